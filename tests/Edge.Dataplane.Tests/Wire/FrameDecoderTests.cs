using Edge.Dataplane.Wire;
using static Edge.Dataplane.Tests.Wire.GoldenFrames;

namespace Edge.Dataplane.Tests.Wire;

[Trait("Category", Category.Unit)]
public sealed class FrameDecoderTests
{
    private readonly FrameDecoder _decoder = new();

    [Fact]
    public void Decodes_VXLAN_layer_by_layer_down_to_the_inner_TCP_segment()
    {
        byte[] frame = Get("vxlan-tcp-http-get");

        Assert.Equal(WireError.None, _decoder.Decode(frame, 0, frame.Length));

        Assert.Equal(FrameLayer.Ethernet | FrameLayer.Ipv4 | FrameLayer.Udp | FrameLayer.Vxlan
            | FrameLayer.InnerEthernet | FrameLayer.InnerIpv4 | FrameLayer.InnerTcp, _decoder.Layers);
        Assert.Equal(Ip("192.168.50.11"), _decoder.Ipv4.Source);
        Assert.False(_decoder.Udp.HasChecksum);
        Assert.Equal(1u, _decoder.Vxlan.Vni);
        Assert.Equal(Mac("02:42:0a:f4:02:07"), _decoder.InnerEthernet.Destination);
        Assert.Equal(Ip("10.244.2.7"), _decoder.InnerIpv4.Destination);
        Assert.Equal(80, _decoder.InnerTcp.DestinationPort);
        Assert.Equal(67, _decoder.InnerTcp.PayloadLength); // the GET request line and three headers
    }

    [Fact]
    public void Decodes_ARP_inside_VXLAN()
    {
        byte[] frame = Get("vxlan-arp-request");

        Assert.Equal(WireError.None, _decoder.Decode(frame, 0, frame.Length));
        Assert.True(_decoder.Has(FrameLayer.InnerArp));
        Assert.Equal(Ip("10.244.2.7"), _decoder.InnerArp.TargetProtocolAddress);
    }

    [Fact]
    public void Only_the_configured_port_is_VXLAN()
    {
        byte[] frame = Get("vxlan-arp-request");
        _decoder.VxlanPort = VxlanHeader.LinuxLegacyPort;

        Assert.Equal(WireError.None, _decoder.Decode(frame, 0, frame.Length));
        Assert.False(_decoder.Has(FrameLayer.Vxlan));
        Assert.True(_decoder.Has(FrameLayer.Udp));
    }

    [Fact]
    public void Every_scapy_frame_decodes_except_fragments_which_are_unsupported()
    {
        foreach (string name in Names)
        {
            byte[] frame = Get(name);
            WireError expected = name.Contains("fragment") && !name.Contains("needed") ? WireError.Unsupported : WireError.None;

            Assert.True(expected == _decoder.Decode(frame, 0, frame.Length), $"{name}: {WireErrors.Name(_decoder.Error)} at {FrameLayer.Name(_decoder.FailedLayer)}");
        }
    }

    [Fact]
    public void Every_frame_the_Linux_kernel_sent_over_VXLAN_decodes_to_its_inner_layers()
    {
        List<byte[]> frames = KernelCapture();
        Assert.True(frames.Count >= 15, $"only {frames.Count} frames in the capture");

        int arp = 0, icmp = 0, tcp = 0, payloadBytes = 0;
        foreach (byte[] frame in frames)
        {
            Assert.True(_decoder.Decode(frame, 0, frame.Length) == WireError.None,
                $"{WireErrors.Name(_decoder.Error)} at {FrameLayer.Name(_decoder.FailedLayer)}: {Convert.ToHexString(frame)}");
            Assert.True(_decoder.Has(FrameLayer.Vxlan));
            Assert.Equal(1u, _decoder.Vxlan.Vni);
            arp += _decoder.Has(FrameLayer.InnerArp) ? 1 : 0;
            icmp += _decoder.Has(FrameLayer.InnerIcmp) ? 1 : 0;
            if (_decoder.Has(FrameLayer.InnerTcp))
            {
                tcp++;
                payloadBytes += _decoder.InnerTcp.PayloadLength;
            }
        }

        Assert.True(arp >= 2, "ARP who-has and is-at");
        Assert.Equal(4, icmp); // ping -c 2: two requests, two replies
        Assert.True(tcp >= 8, "handshake, GET, response, FIN exchange");
        Assert.True(payloadBytes > 100, "the HTTP request and response bodies");
    }

    [Fact]
    public void A_failure_names_the_layer_and_the_reason()
    {
        byte[] frame = Get("vxlan-tcp-http-get");
        frame[^1] ^= 0x01;

        Assert.Equal(WireError.BadChecksum, _decoder.Decode(frame, 0, frame.Length));
        Assert.Equal(FrameLayer.InnerTcp, _decoder.FailedLayer);
        Assert.Equal("inner TCP", FrameLayer.Name(_decoder.FailedLayer));
        Assert.Equal("bad-checksum", WireErrors.Name(_decoder.Error));
    }

    [Fact]
    public void Decoding_allocates_nothing()
    {
        byte[] frame = Get("vxlan-tcp-http-get");
        _decoder.Decode(frame, 0, frame.Length);

        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                _decoder.Decode(frame, 0, frame.Length);
            }
        }));
    }
}
