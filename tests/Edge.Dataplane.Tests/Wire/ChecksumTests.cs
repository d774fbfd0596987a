using Edge.Dataplane.Wire;
using FsCheck;
using FsCheck.Fluent;

namespace Edge.Dataplane.Tests.Wire;

[Trait("Category", Category.Unit)]
public sealed class ChecksumTests
{
    [Fact]
    public void RFC_1071_worked_example_sums_to_ddf2()
    {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 has the one's complement sum ddf2.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];

        Assert.Equal(0xddf2 ^ 0xFFFF, Checksum.Compute(data, 0, data.Length));
    }

    [Fact]
    public void An_odd_final_byte_is_padded_with_zero()
    {
        byte[] odd = [0x12, 0x34, 0x56];
        byte[] padded = [0x12, 0x34, 0x56, 0x00];

        Assert.Equal(Checksum.Compute(padded, 0, 4), Checksum.Compute(odd, 0, 3));
    }

    [Fact]
    public void Data_including_its_own_checksum_sums_to_zero()
    {
        byte[] header = Convert.FromHexString("450000730000400040110000c0a80001c0a800c7");
        ushort sum = Checksum.Compute(header, 0, header.Length);
        NetworkOrder.WriteU16(header, 10, sum);

        Assert.Equal(0xb861, sum); // the classic Wikipedia IPv4 header example
        Assert.Equal(0, Checksum.Compute(header, 0, header.Length));
    }

    [Fact]
    public void Incremental_update_of_a_word_matches_a_full_recompute()
    {
        Properties.Check(Properties.Bytes(4, 128).Zip(Gen.Choose(0, 0xFFFF)), input =>
        {
            (byte[] data, int newWord) = input;
            int length = data.Length & ~1;
            NetworkOrder.WriteU16(data, 0, 0);
            ushort checksum = Checksum.Compute(data, 0, length);
            NetworkOrder.WriteU16(data, 0, checksum);   // a packet with its checksum in place
            int at = 2 + 2 * (newWord % ((length - 2) / 2));
            ushort oldWord = NetworkOrder.ReadU16(data, at);

            NetworkOrder.WriteU16(data, at, (ushort)newWord);
            ushort updated = Checksum.Update16(checksum, oldWord, (ushort)newWord);

            NetworkOrder.WriteU16(data, 0, updated);
            Assert.Equal(0, Checksum.Compute(data, 0, length));
        });
    }

    [Fact]
    public void Incremental_update_of_an_address_matches_a_full_recompute()
    {
        Properties.Check(Properties.Bytes(20).Zip(Gen.Choose(int.MinValue, int.MaxValue)), input =>
        {
            (byte[] header, int raw) = input;
            uint newAddress = unchecked((uint)raw);
            NetworkOrder.WriteU16(header, 10, 0);
            ushort checksum = Checksum.Compute(header, 0, 20);
            uint oldAddress = NetworkOrder.ReadU32(header, 12);

            NetworkOrder.WriteU32(header, 12, newAddress);
            NetworkOrder.WriteU16(header, 10, 0);

            Assert.Equal(Checksum.Compute(header, 0, 20), Checksum.Update32(checksum, oldAddress, newAddress));
        });
    }

    [Fact]
    public void Pseudo_header_sum_matches_summing_the_pseudo_header_bytes()
    {
        byte[] pseudo = Convert.FromHexString("0af401050af4020700110020");

        Assert.Equal(
            Checksum.Compute(pseudo, 0, pseudo.Length),
            Checksum.Finish(Checksum.PseudoHeader(0x0af40105, 0x0af40207, IpProtocol.Udp, 0x20)));
    }

    [Fact]
    public void The_byte_lane_sum_is_RFC_1071s_word_sum_at_every_offset_and_length()
    {
        // Checksum.Add sums high and low bytes apart, eight at a time; RFC 1071's definition
        // sums big-endian words with a zero-padded odd byte. They must agree everywhere.
        Properties.Check(Properties.Bytes(0, 300).Zip(Gen.Choose(0, 299)).Zip(Gen.Choose(0, int.MaxValue)), input =>
        {
            ((byte[] data, int start), int seed) = input;
            int offset = data.Length == 0 ? 0 : start % data.Length;
            int length = data.Length - offset == 0 ? 0 : seed % (data.Length - offset + 1);
            uint reference = (uint)seed & 0xFFFF;
            for (int i = 0; i < length; i += 2)
            {
                reference += (uint)(data[offset + i] << 8 | (i + 1 < length ? data[offset + i + 1] : 0));
            }

            Assert.Equal(Checksum.Finish(reference), Checksum.Finish(Checksum.Add((uint)seed & 0xFFFF, data, offset, length)));
        });
    }

    [Fact]
    public void Incremental_update_of_an_address_and_a_port_matches_a_full_recompute()
    {
        // What DNAT does to a UDP or TCP checksum: the pseudo-header's address and the header's port, in one update.
        Properties.Check(Properties.Bytes(40, 40).Zip(Gen.Choose(int.MinValue, int.MaxValue)).Zip(Gen.Choose(0, 0xFFFF)), input =>
        {
            ((byte[] words, int raw), int newPort) = input;
            uint newAddress = unchecked((uint)raw);
            NetworkOrder.WriteU16(words, 10, 0);
            ushort checksum = Checksum.Compute(words, 0, words.Length);
            uint oldAddress = NetworkOrder.ReadU32(words, 16);
            ushort oldPort = NetworkOrder.ReadU16(words, 22);

            NetworkOrder.WriteU32(words, 16, newAddress);
            NetworkOrder.WriteU16(words, 22, (ushort)newPort);

            Assert.Equal(Checksum.Compute(words, 0, words.Length), Checksum.Update48(checksum, oldAddress, newAddress, oldPort, (ushort)newPort));
        });
    }

    [Fact]
    public void Decrementing_the_TTL_patches_the_header_checksum_as_a_full_recompute_would()
    {
        Properties.Check(Properties.Bytes(20, 20).Zip(Gen.Choose(2, 255)), input =>
        {
            (byte[] header, int ttl) = input;
            header[0] = 0x45;
            header[8] = (byte)ttl;
            NetworkOrder.WriteU16(header, 10, 0);
            NetworkOrder.WriteU16(header, 10, Checksum.Compute(header, 0, 20));

            Assert.Equal(ttl - 1, Ipv4Packet.DecrementTtl(header, 0));
            Assert.Equal(ttl - 1, header[8]);
            Assert.Equal(0, Checksum.Compute(header, 0, 20));
        });
    }
}
