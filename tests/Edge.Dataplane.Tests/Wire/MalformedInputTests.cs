using Edge.Dataplane.Wire;
using FsCheck.Fluent;
using static Edge.Dataplane.Tests.Wire.GoldenFrames;

namespace Edge.Dataplane.Tests.Wire;

/// <summary>
/// Untrusted bytes never throw: every prefix of every golden frame, random garbage, and random
/// corruption of real frames yield an error code (or a successful parse), and nothing else.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class MalformedInputTests
{
    private readonly FrameDecoder _decoder = new();

    [Fact]
    public void Every_truncation_of_every_golden_frame_is_reported_as_truncated()
    {
        var full = new FrameDecoder();
        foreach (byte[] frame in Names.Select(Get).Concat(KernelCapture()))
        {
            full.Decode(frame, 0, frame.Length);
            Assert.True(full.Has(FrameLayer.Ethernet));
            int end = full.Has(FrameLayer.Ipv4) ? full.Ipv4.PayloadOffset + full.Ipv4.PayloadLength
                : full.Has(FrameLayer.Arp) ? 14 + ArpPacket.Length
                : 14;

            // Cut anywhere short of what the headers promise: the layer whose length field
            // promised the missing bytes says Truncated.
            for (int length = 0; length < end; length++)
            {
                Assert.True(_decoder.Decode(frame, 0, length) == WireError.Truncated,
                    $"{Convert.ToHexString(frame)} cut at {length}: {WireErrors.Name(_decoder.Error)} at {FrameLayer.Name(_decoder.FailedLayer)}");
            }
        }
    }

    [Fact]
    public void Every_parser_refuses_every_short_buffer_at_every_offset()
    {
        byte[] frame = Get("vxlan-tcp-http-get");
        for (int offset = -2; offset <= frame.Length + 2; offset++)
        {
            for (int length = -1; length <= 70; length++)
            {
                // No parser may throw; each either parses or returns an error.
                new EthernetRepr().Parse(frame, offset, length);
                new ArpRepr().Parse(frame, offset, length);
                new Ipv4Repr().Parse(frame, offset, length);
                new IcmpRepr().Parse(frame, offset, length);
                new UdpRepr().Parse(frame, offset, length, 0, 0);
                new TcpRepr().Parse(frame, offset, length, 0, 0);
                new VxlanRepr().Parse(frame, offset, length);
                Pcap.ParseFileHeader(frame, offset, length, new PcapFormat(), out _);
                Pcap.ParseRecordHeader(frame, offset, length, new PcapFormat(), new PcapRecord());
            }
        }
    }

    [Fact]
    public void Random_garbage_decodes_to_an_error_code_or_a_frame_never_an_exception()
    {
        Properties.Check(Properties.Bytes(0, 200), garbage =>
        {
            WireError error = _decoder.Decode(garbage, 0, garbage.Length);
            Assert.InRange((int)error, 0, WireErrors.Count - 1);
        }, maxTests: 2000);
    }

    [Fact]
    public void Random_corruption_of_real_frames_never_throws_and_checksums_catch_payload_damage()
    {
        byte[][] frames = Names.Select(Get).Concat(KernelCapture()).ToArray();
        var corruption = Gen.Choose(0, frames.Length - 1)
            .SelectMany(i => Gen.Choose(0, frames[i].Length - 1).Zip(Gen.Choose(1, 255)).Select(c => (i, c.Item1, c.Item2)));

        Properties.Check(corruption, input =>
        {
            (int index, int at, int xor) = input;
            byte[] frame = (byte[])frames[index].Clone();
            frame[at] ^= (byte)xor;

            WireError error = _decoder.Decode(frame, 0, frame.Length);

            Assert.InRange((int)error, 0, WireErrors.Count - 1);
        }, maxTests: 3000);
    }

    [Fact]
    public void A_flipped_bit_anywhere_in_an_inner_TCP_segment_is_caught()
    {
        byte[] golden = Get("vxlan-tcp-http-get");
        int innerTcp = 14 + 20 + 8 + 8 + 14 + 20;
        for (int at = innerTcp; at < golden.Length; at++)
        {
            byte[] frame = (byte[])golden.Clone();
            frame[at] ^= 0x04;

            Assert.NotEqual(WireError.None, _decoder.Decode(frame, 0, frame.Length));
        }
    }
}
