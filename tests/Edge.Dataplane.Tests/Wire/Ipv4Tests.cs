using Edge.Dataplane.Wire;
using static Edge.Dataplane.Tests.Wire.GoldenFrames;

namespace Edge.Dataplane.Tests.Wire;

[Trait("Category", Category.Unit)]
public sealed class Ipv4Tests
{
    private readonly Ipv4Repr _repr = new();

    [Fact]
    public void Deconstructs_scapys_header()
    {
        byte[] frame = Get("icmp-echo-request");

        Assert.Equal(WireError.None, _repr.Parse(frame, 14, frame.Length - 14));
        Assert.Equal(Ip("10.244.1.5"), _repr.Source);
        Assert.Equal(Ip("10.244.2.7"), _repr.Destination);
        Assert.Equal(IpProtocol.Icmp, _repr.Protocol);
        Assert.Equal(64, _repr.Ttl);
        Assert.Equal(0x1234, _repr.Identification);
        Assert.True(_repr.DontFragment);
        Assert.False(_repr.IsFragment);
        Assert.Equal(20, _repr.HeaderLength);
        Assert.Equal(34, _repr.PayloadOffset);
        Assert.Equal(8 + 26, _repr.PayloadLength);
        Assert.Equal("IPv4 10.244.1.5 > 10.244.2.7, ICMP, ttl 64, id 4660, length 54, DF", _repr.ToString());
    }

    [Fact]
    public void Constructs_the_header_scapy_did()
    {
        byte[] golden = Get("icmp-echo-request");
        var repr = new Ipv4Repr
        {
            Source = Ip("10.244.1.5"), Destination = Ip("10.244.2.7"), Protocol = IpProtocol.Icmp,
            Ttl = 64, Identification = 0x1234, DontFragment = true, PayloadLength = 34,
        };
        byte[] built = new byte[20];

        repr.Emit(built, 0);

        Assert.Equal(golden[14..34], built);
    }

    [Fact]
    public void Options_are_skipped_by_IHL()
    {
        byte[] frame = Get("ipv4-options-udp");

        Assert.Equal(WireError.None, _repr.Parse(frame, 14, frame.Length - 14));
        Assert.Equal(32, _repr.HeaderLength); // scapy: record route with two slots, padded
        Assert.Equal(14 + 32, _repr.PayloadOffset);
        Assert.Equal(IpProtocol.Udp, _repr.Protocol);
        Assert.Equal(32, _repr.Ttl);
    }

    [Fact]
    public void Fragments_are_recognised_first_and_later()
    {
        byte[] first = Get("ipv4-first-fragment");
        Assert.Equal(WireError.None, _repr.Parse(first, 14, first.Length - 14));
        Assert.True(_repr.MoreFragments);
        Assert.Equal(0, _repr.FragmentOffset);
        Assert.True(_repr.IsFragment);

        byte[] later = Get("ipv4-later-fragment");
        Assert.Equal(WireError.None, _repr.Parse(later, 14, later.Length - 14));
        Assert.False(_repr.MoreFragments);
        Assert.Equal(5, _repr.FragmentOffset);
        Assert.True(_repr.IsFragment);
        Assert.Contains("fragment offset 40", _repr.ToString());
    }

    [Fact]
    public void A_flipped_bit_fails_the_header_checksum()
    {
        byte[] frame = Get("tcp-syn");
        frame[14 + 8] ^= 0x01; // TTL

        Assert.Equal(WireError.BadChecksum, _repr.Parse(frame, 14, frame.Length - 14));
    }

    [Theory]
    [InlineData(0x65, WireError.Malformed)] // version 6
    [InlineData(0x44, WireError.Malformed)] // IHL 4: shorter than the fixed header
    [InlineData(0x4F, WireError.Truncated)] // IHL 15: 60 bytes of header in a 54-byte packet
    public void Version_and_IHL_are_checked_before_anything_is_read(byte versionIhl, WireError expected)
    {
        byte[] frame = Get("udp-zero-checksum");
        frame[14] = versionIhl;

        Assert.Equal(expected, _repr.Parse(frame, 14, frame.Length - 14));
    }

    [Fact]
    public void Total_length_must_cover_the_header_and_fit_the_bytes()
    {
        byte[] frame = Get("udp-zero-checksum");
        NetworkOrder.WriteU16(frame, 14 + 2, 19);
        Assert.Equal(WireError.Malformed, _repr.Parse(frame, 14, frame.Length - 14));

        NetworkOrder.WriteU16(frame, 14 + 2, (ushort)(frame.Length - 14 + 1));
        Assert.Equal(WireError.Truncated, _repr.Parse(frame, 14, frame.Length - 14));
    }

    [Fact]
    public void Ethernet_padding_is_not_payload()
    {
        byte[] unpadded = Get("tcp-rst");
        byte[] padded = new byte[60];
        unpadded.CopyTo(padded, 0);

        Assert.Equal(WireError.None, _repr.Parse(padded, 14, 46));
        Assert.Equal(20, _repr.PayloadLength);
    }

    [Fact]
    public void Decrementing_TTL_in_place_keeps_the_checksum_valid()
    {
        byte[] frame = Get("tcp-syn");
        Assert.Equal(WireError.None, Ipv4Packet.TryWrap(frame, 14, frame.Length - 14, out Ipv4Packet view));

        Assert.Equal(63, view.DecrementTtl());

        Assert.True(view.ChecksumValid());
        Assert.Equal(WireError.None, _repr.Parse(frame, 14, frame.Length - 14));
        Assert.Equal(63, _repr.Ttl);
    }

    [Fact]
    public void Rewriting_an_address_then_refilling_the_checksum_verifies()
    {
        byte[] frame = Get("tcp-syn");
        Assert.Equal(WireError.None, Ipv4Packet.TryWrap(frame, 14, frame.Length - 14, out Ipv4Packet view));

        view.Destination = Ip("10.96.0.1");
        Assert.False(view.ChecksumValid());
        view.FillChecksum();

        Assert.True(view.ChecksumValid());
    }
}
