using Edge.Dataplane.Wire;
using static Edge.Dataplane.Tests.Wire.GoldenFrames;

namespace Edge.Dataplane.Tests.Wire;

[Trait("Category", Category.Unit)]
public sealed class VxlanTests
{
    private const int VxlanAt = 14 + 20 + 8;
    private readonly VxlanRepr _repr = new();

    [Fact]
    public void Deconstructs_scapys_header()
    {
        byte[] frame = Get("vxlan-udp-checksummed");

        Assert.Equal(WireError.None, _repr.Parse(frame, VxlanAt, frame.Length - VxlanAt));
        Assert.Equal(0xABCDEFu, _repr.Vni);
        Assert.Equal(VxlanAt + 8, _repr.FrameOffset);
        Assert.Equal(frame.Length - VxlanAt - 8, _repr.FrameLength);
    }

    [Fact]
    public void Constructs_the_header_scapy_did()
    {
        byte[] golden = Get("vxlan-arp-request");
        byte[] built = new byte[8];

        new VxlanRepr { Vni = 42 }.Emit(built, 0);

        Assert.Equal(golden[VxlanAt..(VxlanAt + 8)], built);
    }

    [Fact]
    public void The_I_flag_must_be_set()
    {
        byte[] frame = Get("vxlan-arp-request");
        frame[VxlanAt] = 0x00;

        Assert.Equal(WireError.Malformed, _repr.Parse(frame, VxlanAt, frame.Length - VxlanAt));
    }

    [Fact]
    public void Reserved_bits_are_ignored_on_receipt()
    {
        byte[] frame = Get("vxlan-arp-request");
        frame[VxlanAt] = 0xFF;
        frame[VxlanAt + 2] = 0x55;
        frame[VxlanAt + 7] = 0xAA;

        Assert.Equal(WireError.None, _repr.Parse(frame, VxlanAt, frame.Length - VxlanAt));
        Assert.Equal(42u, _repr.Vni);
    }

    [Fact]
    public void The_VNI_is_24_bits()
    {
        byte[] built = new byte[8];
        new VxlanRepr { Vni = 0x01FFFFFF }.Emit(built, 0);

        Assert.Equal(WireError.None, VxlanHeader.TryWrap(built, 0, 8, out VxlanHeader view));
        Assert.Equal(0xFFFFFFu, view.Vni);
    }
}
