using Edge.Dataplane.Wire;
using FsCheck.Fluent;

namespace Edge.Dataplane.Tests.Wire;

/// <summary>
/// parse(emit(x)) == x for every header, over randomized field values. Each case draws its
/// fields from random seed bytes (so FsCheck can shrink a failure to a small seed) plus a
/// random payload.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class RoundTripProperties
{
    private static readonly FsCheck.Gen<(byte[] Seed, byte[] Payload)> Cases =
        Properties.Bytes(48).Zip(Properties.Bytes(0, 300));

    [Fact]
    public void Ethernet() => Properties.Check(Cases, c =>
    {
        var f = new Fields(c.Seed);
        var sent = new EthernetRepr { Destination = f.Mac(), Source = f.Mac(), EtherType = (ushort)Math.Max((int)f.U16(), 0x0600) };
        byte[] b = new byte[14];
        sent.Emit(b, 0);

        var got = new EthernetRepr();
        Assert.Equal(WireError.None, got.Parse(b, 0, b.Length));
        Assert.Equal((sent.Destination, sent.Source, sent.EtherType), (got.Destination, got.Source, got.EtherType));
    });

    [Fact]
    public void Arp() => Properties.Check(Cases, c =>
    {
        var f = new Fields(c.Seed);
        var sent = new ArpRepr
        {
            Operation = f.U16(), SenderHardwareAddress = f.Mac(), SenderProtocolAddress = f.U32(),
            TargetHardwareAddress = f.Mac(), TargetProtocolAddress = f.U32(),
        };
        byte[] b = new byte[28];
        sent.Emit(b, 0);

        var got = new ArpRepr();
        Assert.Equal(WireError.None, got.Parse(b, 0, b.Length));
        Assert.Equal(
            (sent.Operation, sent.SenderHardwareAddress, sent.SenderProtocolAddress, sent.TargetHardwareAddress, sent.TargetProtocolAddress),
            (got.Operation, got.SenderHardwareAddress, got.SenderProtocolAddress, got.TargetHardwareAddress, got.TargetProtocolAddress));
    });

    [Fact]
    public void Ipv4() => Properties.Check(Cases, c =>
    {
        var f = new Fields(c.Seed);
        var sent = new Ipv4Repr
        {
            Source = f.U32(), Destination = f.U32(), Protocol = f.U8(), Ttl = f.U8(), TypeOfService = f.U8(),
            Identification = f.U16(), DontFragment = f.Bool(), MoreFragments = f.Bool(), FragmentOffset = f.U16() & 0x1FFF,
            PayloadLength = c.Payload.Length,
        };
        byte[] b = new byte[20 + c.Payload.Length];
        c.Payload.CopyTo(b, 20);
        sent.Emit(b, 0);

        var got = new Ipv4Repr();
        Assert.Equal(WireError.None, got.Parse(b, 0, b.Length));
        Assert.Equal(
            (sent.Source, sent.Destination, sent.Protocol, sent.Ttl, sent.TypeOfService, sent.Identification),
            (got.Source, got.Destination, got.Protocol, got.Ttl, got.TypeOfService, got.Identification));
        Assert.Equal(
            (sent.DontFragment, sent.MoreFragments, sent.FragmentOffset, sent.PayloadLength, 20),
            (got.DontFragment, got.MoreFragments, got.FragmentOffset, got.PayloadLength, got.HeaderLength));
    });

    [Fact]
    public void Icmp() => Properties.Check(Cases, c =>
    {
        var f = new Fields(c.Seed);
        byte[] types = [IcmpType.EchoRequest, IcmpType.EchoReply, IcmpType.DestinationUnreachable, IcmpType.TimeExceeded, 13];
        var sent = new IcmpRepr { Type = types[f.U8() % types.Length], Code = f.U8(), DataLength = c.Payload.Length };
        if (sent.IsEcho)
        {
            sent.Identifier = f.U16();
            sent.SequenceNumber = f.U16();
        }
        else if (sent.Type == IcmpType.DestinationUnreachable)
        {
            sent.Code = IcmpType.FragmentationNeeded;
            sent.NextHopMtu = f.U16();
        }

        byte[] b = new byte[8 + c.Payload.Length];
        c.Payload.CopyTo(b, 8);
        sent.Emit(b, 0);

        var got = new IcmpRepr();
        Assert.Equal(WireError.None, got.Parse(b, 0, b.Length));
        Assert.Equal((sent.Type, sent.Code, sent.Identifier, sent.SequenceNumber, sent.NextHopMtu, sent.DataLength),
            (got.Type, got.Code, got.Identifier, got.SequenceNumber, got.NextHopMtu, got.DataLength));
        Assert.Equal(c.Payload, b[got.DataOffset..]);
    });

    [Fact]
    public void Udp() => Properties.Check(Cases, c =>
    {
        var f = new Fields(c.Seed);
        uint src = f.U32(), dst = f.U32();
        var sent = new UdpRepr { SourcePort = f.U16(), DestinationPort = f.U16(), HasChecksum = f.Bool(), PayloadLength = c.Payload.Length };
        byte[] b = new byte[8 + c.Payload.Length];
        c.Payload.CopyTo(b, 8);
        sent.Emit(b, 0, src, dst);

        var got = new UdpRepr();
        Assert.Equal(WireError.None, got.Parse(b, 0, b.Length, src, dst));
        Assert.Equal((sent.SourcePort, sent.DestinationPort, sent.HasChecksum, sent.PayloadLength),
            (got.SourcePort, got.DestinationPort, got.HasChecksum, got.PayloadLength));
    });

    [Fact]
    public void Tcp() => Properties.Check(Cases, c =>
    {
        var f = new Fields(c.Seed);
        uint src = f.U32(), dst = f.U32();
        bool timestamps = f.Bool();
        var sent = new TcpRepr
        {
            SourcePort = f.U16(), DestinationPort = f.U16(), SequenceNumber = f.U32(), AcknowledgmentNumber = f.U32(),
            Flags = f.U8(), Window = f.U16(), UrgentPointer = f.U16(),
            MaximumSegmentSize = f.Bool() ? f.U16() : (ushort)0,
            WindowScale = f.Bool() ? f.U8() % 15 : TcpRepr.NoWindowScale,
            SackPermitted = f.Bool(),
            HasTimestamps = timestamps, TimestampValue = timestamps ? f.U32() : 0, TimestampEcho = timestamps ? f.U32() : 0,
            PayloadLength = c.Payload.Length,
        };
        int headerLength = sent.EmitHeaderLength();
        byte[] b = new byte[headerLength + c.Payload.Length];
        c.Payload.CopyTo(b, headerLength);
        sent.Emit(b, 0, src, dst);

        var got = new TcpRepr();
        Assert.Equal(WireError.None, got.Parse(b, 0, b.Length, src, dst));
        Assert.Equal(
            (sent.SourcePort, sent.DestinationPort, sent.SequenceNumber, sent.AcknowledgmentNumber, sent.Flags, sent.Window, sent.UrgentPointer),
            (got.SourcePort, got.DestinationPort, got.SequenceNumber, got.AcknowledgmentNumber, got.Flags, got.Window, got.UrgentPointer));
        Assert.Equal(
            (sent.MaximumSegmentSize, sent.WindowScale, sent.SackPermitted, sent.HasTimestamps, sent.TimestampValue, sent.TimestampEcho),
            (got.MaximumSegmentSize, got.WindowScale, got.SackPermitted, got.HasTimestamps, got.TimestampValue, got.TimestampEcho));
        Assert.Equal((headerLength, c.Payload.Length), (got.HeaderLength, got.PayloadLength));
        Assert.Equal(0, headerLength % 4);
    });

    [Fact]
    public void Vxlan() => Properties.Check(Cases, c =>
    {
        uint vni = new Fields(c.Seed).U32() & VxlanHeader.MaximumVni;
        byte[] b = new byte[8 + c.Payload.Length];
        new VxlanRepr { Vni = vni }.Emit(b, 0);

        var got = new VxlanRepr();
        Assert.Equal(WireError.None, got.Parse(b, 0, b.Length));
        Assert.Equal((vni, c.Payload.Length), (got.Vni, got.FrameLength));
    });

    /// <summary>Reads field values one after another from random seed bytes.</summary>
    private sealed class Fields(byte[] seed)
    {
        private int _next;

        public byte U8() => seed[_next++ % seed.Length];

        public ushort U16() => (ushort)((U8() << 8) | U8());

        public uint U32() => ((uint)U16() << 16) | U16();

        public ulong Mac() => ((ulong)U16() << 32) | U32();

        public bool Bool() => (U8() & 1) != 0;
    }
}
