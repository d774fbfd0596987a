using Edge.Dataplane.Wire;
using static Edge.Dataplane.Tests.Wire.GoldenFrames;

namespace Edge.Dataplane.Tests.Wire;

[Trait("Category", Category.Unit)]
public sealed class ArpTests
{
    private readonly ArpRepr _repr = new();

    [Fact]
    public void Deconstructs_scapys_who_has()
    {
        byte[] frame = Get("arp-request");

        Assert.Equal(WireError.None, _repr.Parse(frame, 14, frame.Length - 14));
        Assert.Equal(ArpOperation.Request, _repr.Operation);
        Assert.Equal(Mac("02:42:0a:f4:01:05"), _repr.SenderHardwareAddress);
        Assert.Equal(Ip("10.244.1.5"), _repr.SenderProtocolAddress);
        Assert.Equal(MacAddress.Zero, _repr.TargetHardwareAddress);
        Assert.Equal(Ip("10.244.1.1"), _repr.TargetProtocolAddress);
        Assert.Equal("ARP who-has 10.244.1.1 tell 10.244.1.5", _repr.ToString());
    }

    [Fact]
    public void Constructs_the_reply_scapy_did()
    {
        byte[] golden = Get("arp-reply");
        var repr = new ArpRepr
        {
            Operation = ArpOperation.Reply,
            SenderHardwareAddress = Mac("02:42:0a:f4:01:01"), SenderProtocolAddress = Ip("10.244.1.1"),
            TargetHardwareAddress = Mac("02:42:0a:f4:01:05"), TargetProtocolAddress = Ip("10.244.1.5"),
        };
        byte[] built = new byte[ArpPacket.Length];

        repr.Emit(built, 0);

        Assert.Equal(golden[14..42], built);
        Assert.Equal("ARP 10.244.1.1 is-at 02:42:0a:f4:01:01", repr.ToString());
    }

    [Theory]
    [InlineData(0, 6)]  // hardware type 6 (IEEE 802)
    [InlineData(2, 0x86)] // protocol type 0x86DD
    [InlineData(4, 8)]  // hardware length 8
    [InlineData(5, 16)] // protocol length 16 (IPv6)
    public void ARP_for_other_hardware_or_protocols_is_unsupported(int field, byte value)
    {
        byte[] frame = Get("arp-request");
        frame[14 + field] = value;

        Assert.Equal(WireError.Unsupported, _repr.Parse(frame, 14, frame.Length - 14));
    }

    [Fact]
    public void An_unknown_opcode_parses_and_keeps_its_number()
    {
        byte[] frame = Get("arp-request");
        NetworkOrder.WriteU16(frame, 14 + 6, 9);

        Assert.Equal(WireError.None, _repr.Parse(frame, 14, frame.Length - 14));
        Assert.Equal(9, _repr.Operation);
        Assert.Equal("op 9", ArpOperation.Name(_repr.Operation));
    }

    [Fact]
    public void Fewer_than_28_bytes_is_truncated()
    {
        byte[] frame = Get("arp-request");

        Assert.Equal(WireError.Truncated, _repr.Parse(frame, 14, 27));
    }
}
