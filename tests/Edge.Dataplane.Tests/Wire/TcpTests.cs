using Edge.Dataplane.Wire;
using static Edge.Dataplane.Tests.Wire.GoldenFrames;

namespace Edge.Dataplane.Tests.Wire;

[Trait("Category", Category.Unit)]
public sealed class TcpTests
{
    private const int TcpAt = 14 + 20;
    private static readonly uint PodA = Ip("10.244.1.5");
    private static readonly uint PodB = Ip("10.244.2.7");
    private readonly TcpRepr _repr = new();

    private WireError ParseFromA(byte[] frame) => _repr.Parse(frame, TcpAt, frame.Length - TcpAt, PodA, PodB);

    [Fact]
    public void Deconstructs_a_Linux_style_SYN_with_all_its_options()
    {
        byte[] frame = Get("tcp-syn");

        Assert.Equal(WireError.None, ParseFromA(frame));
        Assert.Equal(43512, _repr.SourcePort);
        Assert.Equal(80, _repr.DestinationPort);
        Assert.Equal(1000000u, _repr.SequenceNumber);
        Assert.Equal(TcpFlags.Syn, _repr.Flags);
        Assert.Equal(64240, _repr.Window);
        Assert.Equal(1460, _repr.MaximumSegmentSize);
        Assert.True(_repr.SackPermitted);
        Assert.True(_repr.HasTimestamps);
        Assert.Equal(2018915346u, _repr.TimestampValue);
        Assert.Equal(0u, _repr.TimestampEcho);
        Assert.Equal(7, _repr.WindowScale);
        Assert.Equal(40, _repr.HeaderLength);
        Assert.Equal(0, _repr.PayloadLength);
        Assert.Equal("TCP 43512 > 80 [S] seq 1000000, win 64240, mss 1460, sackOK, TS val 2018915346 ecr 0, wscale 7, length 0", _repr.ToString());
    }

    [Fact]
    public void Constructs_the_SYN_scapy_did_option_for_option()
    {
        byte[] golden = Get("tcp-syn");
        var repr = new TcpRepr
        {
            SourcePort = 43512, DestinationPort = 80, SequenceNumber = 1000000, Flags = TcpFlags.Syn, Window = 64240,
            MaximumSegmentSize = 1460, SackPermitted = true, HasTimestamps = true, TimestampValue = 2018915346, WindowScale = 7,
        };
        byte[] built = new byte[repr.EmitHeaderLength()];

        repr.Emit(built, 0, PodA, PodB);

        Assert.Equal(golden[TcpAt..], built);
    }

    [Fact]
    public void Constructs_a_data_segment_scapy_did()
    {
        byte[] golden = Get("tcp-http-get");
        var repr = new TcpRepr
        {
            SourcePort = 43512, DestinationPort = 80, SequenceNumber = 1000001, AcknowledgmentNumber = 7000001,
            Flags = TcpFlags.Psh | TcpFlags.Ack, Window = 502, HasTimestamps = true, TimestampValue = 2018915400, TimestampEcho = 91,
        };
        byte[] built = golden[TcpAt..];
        Array.Clear(built, 0, 32);
        repr.PayloadLength = built.Length - repr.EmitHeaderLength();

        repr.Emit(built, 0, PodA, PodB);

        Assert.Equal(golden[TcpAt..], built);
        Assert.Equal(32, repr.HeaderLength);
    }

    [Fact]
    public void Reads_the_payload_of_an_HTTP_request()
    {
        byte[] frame = Get("tcp-http-get");

        Assert.Equal(WireError.None, ParseFromA(frame));
        Assert.True(_repr.HasFlag(TcpFlags.Psh) && _repr.HasFlag(TcpFlags.Ack));
        Assert.StartsWith("GET / HTTP/1.1\r\n", System.Text.Encoding.ASCII.GetString(frame, _repr.PayloadOffset, _repr.PayloadLength));
        Assert.Equal(-1, _repr.WindowScale);
        Assert.Equal(0, _repr.MaximumSegmentSize);
    }

    [Fact]
    public void SACK_blocks_are_counted_and_skipped()
    {
        byte[] frame = Get("tcp-sack");

        Assert.Equal(WireError.None, _repr.Parse(frame, TcpAt, frame.Length - TcpAt, PodB, PodA));
        Assert.Equal(2, _repr.SackBlockCount);
        Assert.Equal(TcpFlags.Ack, _repr.Flags);
    }

    [Theory]
    [InlineData("tcp-fin", "F.")]
    [InlineData("tcp-rst", "R.")]
    [InlineData("tcp-syn-ack", "S.")]
    public void Flags_read_the_way_tcpdump_prints_them(string name, string flags)
    {
        byte[] frame = Get(name);
        var ip = new Ipv4Repr();
        Assert.Equal(WireError.None, ip.Parse(frame, 14, frame.Length - 14));

        Assert.Equal(WireError.None, _repr.Parse(frame, ip.PayloadOffset, ip.PayloadLength, ip.Source, ip.Destination));
        Assert.Equal(flags, TcpFlags.Format(_repr.Flags));
    }

    [Fact]
    public void A_window_scale_above_14_is_read_as_14()
    {
        byte[] frame = Get("tcp-syn");
        frame[TcpAt + 39] = 15; // the shift count of the final WScale option
        FixChecksum(frame);

        Assert.Equal(WireError.None, ParseFromA(frame));
        Assert.Equal(14, _repr.WindowScale);
    }

    [Theory]
    [InlineData(21, 3)]  // MSS with length 3
    [InlineData(21, 1)]  // an option length below 2
    [InlineData(21, 40)] // an option running past the header
    [InlineData(27, 9)]  // timestamps with length 9
    public void A_bad_option_length_is_malformed(int at, byte length)
    {
        byte[] frame = Get("tcp-syn");
        frame[TcpAt + at] = length;
        FixChecksum(frame);

        Assert.Equal(WireError.Malformed, ParseFromA(frame));
    }

    [Fact]
    public void Unknown_options_are_skipped_by_length()
    {
        byte[] frame = Get("tcp-syn");
        frame[TcpAt + 20] = 30; // MSS kind becomes an unknown kind 30, length 4 kept
        FixChecksum(frame);

        Assert.Equal(WireError.None, ParseFromA(frame));
        Assert.Equal(0, _repr.MaximumSegmentSize);
        Assert.True(_repr.SackPermitted);
        Assert.Equal(7, _repr.WindowScale);
    }

    [Fact]
    public void Data_offset_below_5_is_malformed_and_past_the_segment_truncated()
    {
        byte[] frame = Get("tcp-fin");
        frame[TcpAt + 12] = 0x40;
        Assert.Equal(WireError.Malformed, ParseFromA(frame));

        frame[TcpAt + 12] = 0xF0;
        Assert.Equal(WireError.Truncated, ParseFromA(frame));
    }

    [Fact]
    public void The_checksum_covers_header_payload_and_pseudo_header()
    {
        byte[] frame = Get("tcp-http-get");
        frame[^3] ^= 0x20;
        Assert.Equal(WireError.BadChecksum, ParseFromA(frame));

        Assert.Equal(WireError.BadChecksum, _repr.Parse(Get("tcp-http-get"), TcpAt, Get("tcp-http-get").Length - TcpAt, PodA, PodA));
    }

    private static void FixChecksum(byte[] frame)
    {
        Assert.Equal(WireError.None, TcpPacket.TryWrap(frame, TcpAt, frame.Length - TcpAt, out TcpPacket view));
        view.SegmentChecksum = 0;
        uint sum = Checksum.PseudoHeader(PodA, PodB, IpProtocol.Tcp, view.Length);
        view.SegmentChecksum = Checksum.Finish(Checksum.Add(sum, frame, TcpAt, view.Length));
        Assert.True(view.ChecksumValid(PodA, PodB));
    }
}
