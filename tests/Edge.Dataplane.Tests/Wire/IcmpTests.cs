using Edge.Dataplane.Wire;
using static Edge.Dataplane.Tests.Wire.GoldenFrames;

namespace Edge.Dataplane.Tests.Wire;

[Trait("Category", Category.Unit)]
public sealed class IcmpTests
{
    private const int IcmpAt = 14 + 20;
    private readonly IcmpRepr _repr = new();

    [Fact]
    public void Deconstructs_scapys_echo_request()
    {
        byte[] frame = Get("icmp-echo-request");

        Assert.Equal(WireError.None, _repr.Parse(frame, IcmpAt, frame.Length - IcmpAt));
        Assert.Equal(IcmpType.EchoRequest, _repr.Type);
        Assert.Equal(0, _repr.Code);
        Assert.Equal(0x4242, _repr.Identifier);
        Assert.Equal(1, _repr.SequenceNumber);
        Assert.Equal("edge-ping-0123456789abcdef", System.Text.Encoding.ASCII.GetString(frame, _repr.DataOffset, _repr.DataLength));
        Assert.Equal("ICMP echo request, id 16962, seq 1, length 34", _repr.ToString());
    }

    [Fact]
    public void Constructs_the_echo_reply_scapy_did()
    {
        byte[] golden = Get("icmp-echo-reply");
        byte[] built = new byte[golden.Length - IcmpAt];
        Array.Copy(golden, IcmpAt + 8, built, 8, built.Length - 8); // the data, which the caller places
        var repr = new IcmpRepr { Type = IcmpType.EchoReply, Identifier = 0x4242, SequenceNumber = 1, DataLength = built.Length - 8 };

        repr.Emit(built, 0);

        Assert.Equal(golden[IcmpAt..], built);
    }

    [Fact]
    public void Port_unreachable_carries_the_invoking_datagram()
    {
        byte[] frame = Get("icmp-port-unreachable");

        Assert.Equal(WireError.None, _repr.Parse(frame, IcmpAt, frame.Length - IcmpAt));
        Assert.True(_repr.IsError);
        Assert.Equal(IcmpType.PortUnreachable, _repr.Code);
        Assert.Equal("port unreachable", IcmpType.Name(_repr.Type, _repr.Code));

        var inner = new Ipv4Repr();
        Assert.Equal(WireError.None, inner.Parse(frame, _repr.DataOffset, _repr.DataLength));
        Assert.Equal(Ip("10.244.1.5"), inner.Source);
        Assert.Equal(Ip("10.244.2.7"), inner.Destination);
        Assert.Equal(IpProtocol.Udp, inner.Protocol);
        Assert.Equal(9999, NetworkOrder.ReadU16(frame, inner.PayloadOffset + 2));
    }

    [Fact]
    public void Fragmentation_needed_carries_the_next_hop_MTU()
    {
        byte[] frame = Get("icmp-fragmentation-needed");

        Assert.Equal(WireError.None, _repr.Parse(frame, IcmpAt, frame.Length - IcmpAt));
        Assert.Equal(IcmpType.FragmentationNeeded, _repr.Code);
        Assert.Equal(1450, _repr.NextHopMtu);
    }

    [Fact]
    public void Unknown_types_parse_with_type_and_code()
    {
        byte[] frame = Get("icmp-echo-request");
        Assert.Equal(WireError.None, IcmpPacket.TryWrap(frame, IcmpAt, frame.Length - IcmpAt, out IcmpPacket view));
        view.Type = 13; // timestamp
        view.FillChecksum();

        Assert.Equal(WireError.None, _repr.Parse(frame, IcmpAt, frame.Length - IcmpAt));
        Assert.Equal(13, _repr.Type);
        Assert.False(_repr.IsEcho);
        Assert.Equal("type 13 code 0", IcmpType.Name(13, 0));
    }

    [Fact]
    public void A_corrupted_message_fails_its_checksum()
    {
        byte[] frame = Get("icmp-echo-request");
        frame[^1] ^= 0x80;

        Assert.Equal(WireError.BadChecksum, _repr.Parse(frame, IcmpAt, frame.Length - IcmpAt));
    }
}
