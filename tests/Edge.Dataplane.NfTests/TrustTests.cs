#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Trust;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// SHA-256 against FIPS 180-2's examples (as RFC 6234 §8.5 tests them) and HMAC-SHA256
    /// against RFC 4231 §4, on the board's runtime; and a secret (a TLS key in a state) encrypted
    /// under a session key to the bytes the host computes.
    /// </summary>
    [TestClass]
    public class TrustTests
    {
        [TestMethod]
        public void Sha256_gives_the_published_digests()
        {
            Assert.AreEqual("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hash(Workloads.Ascii.Bytes("")));
            Assert.AreEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hash(Workloads.Ascii.Bytes("abc")));
            Assert.AreEqual("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                Hash(Workloads.Ascii.Bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")));
        }

        [TestMethod]
        public void Sha256_in_pieces_equals_in_one_go_across_block_boundaries()
        {
            byte[] message = new byte[200];
            for (int i = 0; i < message.Length; i++)
            {
                message[i] = (byte)(i * 31 + 1);
            }

            var hash = new Sha256();
            byte[] whole = new byte[32];
            byte[] pieces = new byte[32];
            int[] lengths = new int[] { 55, 56, 63, 64, 65, 119, 120, 128, 200 };
            for (int l = 0; l < lengths.Length; l++)
            {
                hash.Update(message, 0, lengths[l]);
                hash.Final(whole, 0);
                for (int at = 0; at < lengths[l]; at += 7)
                {
                    hash.Update(message, at, lengths[l] - at < 7 ? lengths[l] - at : 7);
                }

                hash.Final(pieces, 0);
                Assert.AreEqual(Hex(whole), Hex(pieces), "length " + lengths[l].ToString());
            }
        }

        [TestMethod]
        public void Hmac_sha256_gives_RFC_4231s_results()
        {
            Assert.AreEqual("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", Mac(Repeat(0x0b, 20), Workloads.Ascii.Bytes("Hi There")));
            Assert.AreEqual("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", Mac(Workloads.Ascii.Bytes("Jefe"), Workloads.Ascii.Bytes("what do ya want for nothing?")));
            Assert.AreEqual("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", Mac(Repeat(0xaa, 20), Repeat(0xdd, 50)));
            byte[] key4 = new byte[25];
            for (int i = 0; i < key4.Length; i++)
            {
                key4[i] = (byte)(i + 1);
            }

            Assert.AreEqual("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", Mac(key4, Repeat(0xcd, 50)));
            Assert.AreEqual("a3b6167473100ee06e0c796c2955552b", Mac(Repeat(0x0c, 20), Workloads.Ascii.Bytes("Test With Truncation")).Substring(0, 32)); // case 5: 128 bits kept
            Assert.AreEqual("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                Mac(Repeat(0xaa, 131), Workloads.Ascii.Bytes("Test Using Larger Than Block-Size Key - Hash Key First")));
            Assert.AreEqual("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
                Mac(Repeat(0xaa, 131), Workloads.Ascii.Bytes("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.")));
        }

        [TestMethod]
        public void Hmac_verify_takes_the_right_MAC_and_refuses_one_bit_off()
        {
            byte[] key = Workloads.Ascii.Bytes("cluster key");
            byte[] frame = Workloads.Ascii.Bytes("a management frame");
            var hmac = new HmacSha256(key, 0, key.Length);
            byte[] mac = new byte[HmacSha256.MacLength];
            hmac.Compute(frame, 0, frame.Length, mac, 0);
            Assert.IsTrue(hmac.Verify(frame, 0, frame.Length, mac, 0));
            for (int bit = 0; bit < 256; bit += 37)
            {
                mac[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.IsFalse(hmac.Verify(frame, 0, frame.Length, mac, 0), "bit " + bit.ToString());
                mac[bit / 8] ^= (byte)(1 << (bit % 8));
            }

            frame[3] ^= 1;
            Assert.IsFalse(hmac.Verify(frame, 0, frame.Length, mac, 0), "a changed frame");
        }

        [TestMethod]
        public void A_secret_in_a_session_encrypts_to_the_known_answer_and_decrypts_in_place()
        {
            // SessionAuthTests' vector: K = 00..1f, Nb = 10..1f, Nh = 20..2f, A = 192.168.50.17, so
            // Ks = 4c8b8cb0...; the nonce 50..57 twice; the secret 60..a5 (three keystream blocks, the last cut).
            SessionAuth host = new SessionAuth(SessionAuth.Host, Counting(0, 32), 0);
            SessionAuth board = new SessionAuth(SessionAuth.Board, Counting(0, 32), 0);
            host.Address = 0xC0A83211;
            board.Address = 0xC0A83211;
            host.Establish(Counting(0x10, 16), 0, Counting(0x20, 16), 0);
            board.Establish(Counting(0x10, 16), 0, Counting(0x20, 16), 0);
            byte[] secret = Counting(0x60, 70);
            byte[] payload = new byte[SessionAuth.NonceLength + secret.Length];
            var w = new PayloadWriter();
            w.Begin(payload, 0, payload.Length);

            host.WriteSecret(w, secret, new FixedRandom(0x50515253, 0x54555657));

            Assert.AreEqual("50515253545556575051525354555657eb0947581f01b95a50651ad5b2eaa1d4a1cad73843e519040ce76ad26d83b1ccba8c41d51c1d91d8da5dddc173c650b31d867422ebdf8760b5eeb842cf276b91ad2b02eb594e",
                Hex(payload), "nonce || secret XOR HMAC(Ks, 7 || nonce || 0, 1, 2)");
            var r = new PayloadReader();
            r.Begin(payload, 0, payload.Length);
            byte[] read = new byte[secret.Length];
            Assert.IsTrue(board.ReadSecret(r, read));
            Assert.AreEqual(Hex(secret), Hex(read));
        }

        private static byte[] Counting(int first, int count)
        {
            byte[] bytes = new byte[count];
            for (int i = 0; i < count; i++)
            {
                bytes[i] = (byte)(first + i);
            }

            return bytes;
        }

        private static string Hash(byte[] message)
        {
            var hash = new Sha256();
            hash.Update(message, 0, message.Length);
            byte[] digest = new byte[Sha256.HashLength];
            hash.Final(digest, 0);
            return Hex(digest);
        }

        private static string Mac(byte[] key, byte[] data)
        {
            var hmac = new HmacSha256(key, 0, key.Length);
            byte[] mac = new byte[HmacSha256.MacLength];
            hmac.Compute(data, 0, data.Length, mac, 0);
            return Hex(mac);
        }

        private static byte[] Repeat(byte value, int count)
        {
            byte[] bytes = new byte[count];
            for (int i = 0; i < count; i++)
            {
                bytes[i] = value;
            }

            return bytes;
        }

        private static string Hex(byte[] bytes)
        {
            const string digits = "0123456789abcdef";
            char[] text = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                text[2 * i] = digits[bytes[i] >> 4];
                text[2 * i + 1] = digits[bytes[i] & 0xF];
            }

            return new string(text);
        }
    }
}
