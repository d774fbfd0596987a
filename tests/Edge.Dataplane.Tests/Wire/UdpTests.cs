using Edge.Dataplane.Wire;
using static Edge.Dataplane.Tests.Wire.GoldenFrames;

namespace Edge.Dataplane.Tests.Wire;

[Trait("Category", Category.Unit)]
public sealed class UdpTests
{
    private const int UdpAt = 14 + 20;
    private readonly UdpRepr _repr = new();

    [Fact]
    public void Deconstructs_scapys_DNS_query_and_verifies_its_checksum()
    {
        byte[] frame = Get("udp-dns-query");

        Assert.Equal(WireError.None, _repr.Parse(frame, UdpAt, frame.Length - UdpAt, Ip("10.244.1.5"), Ip("10.96.0.10")));
        Assert.Equal(53000, _repr.SourcePort);
        Assert.Equal(53, _repr.DestinationPort);
        Assert.True(_repr.HasChecksum);
        Assert.Equal(UdpAt + 8, _repr.PayloadOffset);
        Assert.Equal(0xbeef, NetworkOrder.ReadU16(frame, _repr.PayloadOffset)); // the DNS id
    }

    [Fact]
    public void The_checksum_covers_the_pseudo_header()
    {
        byte[] frame = Get("udp-dns-query");

        Assert.Equal(WireError.BadChecksum, _repr.Parse(frame, UdpAt, frame.Length - UdpAt, Ip("10.244.1.5"), Ip("10.96.0.11")));
    }

    [Fact]
    public void A_zero_checksum_means_none_and_is_not_verified()
    {
        byte[] frame = Get("udp-zero-checksum");
        frame[^1] ^= 0xFF;

        Assert.Equal(WireError.None, _repr.Parse(frame, UdpAt, frame.Length - UdpAt, Ip("10.244.1.5"), Ip("10.244.2.7")));
        Assert.False(_repr.HasChecksum);
        Assert.Equal("UDP 9000 > 9001, length 16, no checksum", _repr.ToString());
    }

    [Fact]
    public void Constructs_the_datagram_scapy_did()
    {
        byte[] golden = Get("udp-dns-query");
        byte[] built = golden[UdpAt..];
        Array.Clear(built, 0, 8);
        var repr = new UdpRepr { SourcePort = 53000, DestinationPort = 53, HasChecksum = true, PayloadLength = built.Length - 8 };

        repr.Emit(built, 0, Ip("10.244.1.5"), Ip("10.96.0.10"));

        Assert.Equal(golden[UdpAt..], built);
    }

    [Fact]
    public void A_computed_zero_checksum_is_sent_as_all_ones()
    {
        // Find a payload whose checksum computes to zero, then check Emit sends 0xFFFF (RFC 768).
        byte[] datagram = new byte[10];
        var repr = new UdpRepr { SourcePort = 1, DestinationPort = 2, HasChecksum = true, PayloadLength = 2 };
        repr.Emit(datagram, 0, 0, 0);
        ushort sum = NetworkOrder.ReadU16(datagram, 6);
        NetworkOrder.WriteU16(datagram, 8, sum);   // adding the checksum value as data drives the sum to 0xFFFF

        repr.Emit(datagram, 0, 0, 0);

        Assert.Equal(0xFFFF, NetworkOrder.ReadU16(datagram, 6));
        Assert.Equal(WireError.None, _repr.Parse(datagram, 0, 10, 0, 0));
    }

    [Fact]
    public void The_length_field_is_checked_against_the_IP_payload()
    {
        byte[] frame = Get("udp-zero-checksum");
        NetworkOrder.WriteU16(frame, UdpAt + 4, 7);
        Assert.Equal(WireError.Malformed, _repr.Parse(frame, UdpAt, frame.Length - UdpAt, 0, 0));

        NetworkOrder.WriteU16(frame, UdpAt + 4, (ushort)(frame.Length - UdpAt + 1));
        Assert.Equal(WireError.Truncated, _repr.Parse(frame, UdpAt, frame.Length - UdpAt, 0, 0));
    }
}
