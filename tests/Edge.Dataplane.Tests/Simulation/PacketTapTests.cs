using Edge.Dataplane.Net;
using Edge.Dataplane.Tests.Wire;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>Mirroring a bridge port or the overlay into pcap that Wireshark opens.</summary>
public sealed class PacketTapTests
{
    private sealed class FileSink : IByteSink
    {
        public readonly MemoryStream Bytes = new();

        public void Write(byte[] buffer, int offset, int length) => Bytes.Write(buffer, offset, length);
    }

    private static (byte[] Overlay, byte[] Port) CapturePing()
    {
        var cluster = new SimCluster(2, seed: 41);
        PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);
        PodSandbox b = cluster.Node(2).AddPod("default", "b", 0);
        var overlay = new FileSink();
        var port = new FileSink();
        cluster.Node(1).Overlay.Tap = new PacketTap(PacketTap.OverlayPoint, overlay);
        cluster.Node(1).Bridge.Tap = new PacketTap(PacketTap.BridgePortPoint(1), port); // pod a's veth

        IcmpEchoSocket echo = a.OpenEcho()!;
        echo.Send(b.Address, 1, 32);
        Assert.True(cluster.RunUntil(() => echo.RepliesReceived == 1, 100));
        return (overlay.Bytes.ToArray(), port.Bytes.ToArray());
    }

    [Fact]
    [Trait("Category", Category.Simulation)]
    public void The_overlay_capture_holds_whole_VXLAN_frames_and_the_port_capture_the_pods_frames()
    {
        (byte[] overlay, byte[] port) = CapturePing();
        string overlayPath = Path.GetTempFileName(), portPath = Path.GetTempFileName();
        File.WriteAllBytes(overlayPath, overlay);
        File.WriteAllBytes(portPath, port);
        try
        {
            var decoder = new FrameDecoder();
            List<byte[]> overlayFrames = GoldenFrames.ReadPcap(overlayPath);
            Assert.Equal(2, overlayFrames.Count); // the request out, the reply in
            foreach (byte[] frame in overlayFrames)
            {
                Assert.Equal(WireError.None, decoder.Decode(frame, 0, frame.Length));
                Assert.True(decoder.Has(FrameLayer.InnerIcmp));
                Assert.Equal(1u, decoder.Vxlan.Vni);
            }

            List<byte[]> portFrames = GoldenFrames.ReadPcap(portPath);
            Assert.Equal(2, portFrames.Count); // pod a's ARP for its gateway, then the echo request
            Assert.Equal(WireError.None, decoder.Decode(portFrames[0], 0, portFrames[0].Length));
            Assert.True(decoder.Has(FrameLayer.Arp));
            Assert.Equal(WireError.None, decoder.Decode(portFrames[1], 0, portFrames[1].Length));
            Assert.Equal(IcmpType.EchoRequest, decoder.Icmp.Type);
        }
        finally
        {
            File.Delete(overlayPath);
            File.Delete(portPath);
        }
    }

    [RequiresToolFact("tshark")]
    [Trait("Category", Category.Interop)]
    public void Tshark_reads_the_overlay_capture_as_VXLAN_with_good_checksums()
    {
        string path = Path.GetTempFileName();
        File.WriteAllBytes(path, CapturePing().Overlay);
        try
        {
            var (exit, stdout, stderr) = Tools.Run("tshark", ["-r", path, "-n", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                "-o", "ip.check_checksum:TRUE", "-e", "frame.protocols", "-e", "ip.checksum.status", "-e", "icmp.type", "-e", "_ws.malformed"]);

            Assert.True(exit == 0, stderr);
            string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp:data\t1,1\t8\t", "eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp:data\t1,1\t0\t"], lines);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
