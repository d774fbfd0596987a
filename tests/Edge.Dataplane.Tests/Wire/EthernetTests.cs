using Edge.Dataplane.Wire;
using static Edge.Dataplane.Tests.Wire.GoldenFrames;

namespace Edge.Dataplane.Tests.Wire;

[Trait("Category", Category.Unit)]
public sealed class EthernetTests
{
    private readonly EthernetRepr _repr = new();

    [Fact]
    public void Deconstructs_a_scapy_frame()
    {
        byte[] frame = Get("arp-request");

        Assert.Equal(WireError.None, _repr.Parse(frame, 0, frame.Length));
        Assert.Equal(MacAddress.Broadcast, _repr.Destination);
        Assert.Equal(Mac("02:42:0a:f4:01:05"), _repr.Source);
        Assert.Equal(EtherType.Arp, _repr.EtherType);
        Assert.Equal(14, _repr.PayloadOffset);
        Assert.Equal(frame.Length - 14, _repr.PayloadLength);
        Assert.Equal("Ethernet 02:42:0a:f4:01:05 > ff:ff:ff:ff:ff:ff, type ARP", _repr.ToString());
    }

    [Fact]
    public void Constructs_the_same_header_scapy_did()
    {
        byte[] golden = Get("tcp-syn");
        var repr = new EthernetRepr { Destination = Mac("02:42:0a:f4:01:01"), Source = Mac("02:42:0a:f4:01:05"), EtherType = EtherType.Ipv4 };
        byte[] built = new byte[14];

        repr.Emit(built, 0);

        Assert.Equal(golden[..14], built);
    }

    [Fact]
    public void The_view_reads_and_writes_in_place()
    {
        byte[] frame = Get("tcp-syn");
        Assert.Equal(WireError.None, EthernetFrame.TryWrap(frame, 0, frame.Length, out EthernetFrame view));

        view.Destination = Mac("aa:bb:cc:dd:ee:ff");

        Assert.Equal("aa:bb:cc:dd:ee:ff", MacAddress.Format(MacAddress.Read(frame, 0)));
        Assert.Equal(EtherType.Ipv4, view.EtherType);
        Assert.Equal(frame.Length - 14, view.PayloadLength);
    }

    [Fact]
    public void An_unknown_EtherType_parses_and_keeps_its_number()
    {
        byte[] frame = Get("tcp-syn");
        NetworkOrder.WriteU16(frame, 12, 0x88CC); // LLDP

        Assert.Equal(WireError.None, _repr.Parse(frame, 0, frame.Length));
        Assert.Equal(0x88CC, _repr.EtherType);
        Assert.Equal("0x88cc", EtherType.Name(_repr.EtherType));
    }

    [Fact]
    public void An_802_3_length_field_is_unsupported_not_an_error()
    {
        byte[] frame = Get("tcp-syn");
        NetworkOrder.WriteU16(frame, 12, 46);

        Assert.Equal(WireError.Unsupported, _repr.Parse(frame, 0, frame.Length));
    }

    [Fact]
    public void Fewer_than_14_bytes_is_truncated()
    {
        byte[] frame = Get("tcp-syn");

        Assert.Equal(WireError.Truncated, _repr.Parse(frame, 0, 13));
        Assert.Equal(WireError.Truncated, EthernetFrame.TryWrap(frame, 0, 13, out _));
        Assert.Equal(WireError.Truncated, _repr.Parse(frame, frame.Length - 10, 14));
        Assert.Equal(WireError.Truncated, _repr.Parse(null!, 0, 14));
        Assert.Equal(WireError.Truncated, _repr.Parse(frame, -1, 20));
    }
}
