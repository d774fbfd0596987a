using System.Security.Cryptography;
using Edge.Dataplane.Trust;

namespace Edge.Dataplane.Tests.Trust;

/// <summary>
/// The board's SHA-256 and HMAC-SHA256 against .NET's own (the platform's, OpenSSL here) over
/// messages of every length up to a few blocks and keys shorter, as long as and longer than a
/// block; the published vectors are in the on-device TrustTests.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class HmacAgainstDotNetTests
{
    [Fact]
    public void Sha256_equals_dotnets_for_every_length_up_to_four_blocks()
    {
        var random = new Random(6234);
        var ours = new Sha256();
        byte[] digest = new byte[Sha256.HashLength];
        for (int length = 0; length <= 4 * Sha256.BlockLength + 1; length++)
        {
            byte[] message = new byte[length];
            random.NextBytes(message);
            ours.Update(message, 0, length);
            ours.Final(digest, 0);
            Assert.Equal(SHA256.HashData(message), digest);
        }
    }

    [Fact]
    public void Hmac_sha256_equals_dotnets_for_keys_and_messages_of_many_lengths()
    {
        var random = new Random(4231);
        byte[] mac = new byte[HmacSha256.MacLength];
        foreach (int keyLength in new[] { 0, 1, 20, 32, 63, 64, 65, 131, 200 })
        {
            byte[] key = new byte[keyLength];
            random.NextBytes(key);
            var ours = new HmacSha256(key, 0, key.Length);
            for (int length = 0; length < 300; length += 13)
            {
                byte[] message = new byte[length];
                random.NextBytes(message);
                ours.Compute(message, 0, length, mac, 0);
                Assert.Equal(HMACSHA256.HashData(key, message), mac);
                Assert.True(ours.Verify(message, 0, length, HMACSHA256.HashData(key, message), 0));
            }
        }
    }

    [Fact]
    public void The_published_vectors_in_the_on_device_tests_are_what_dotnet_computes()
    {
        // RFC 4231 test case 2 and FIPS 180-2's "abc": the literals TrustTests holds the board to.
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            Convert.ToHexStringLower(HMACSHA256.HashData("Jefe"u8.ToArray(), "what do ya want for nothing?"u8.ToArray())));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(SHA256.HashData("abc"u8.ToArray())));
    }
}
