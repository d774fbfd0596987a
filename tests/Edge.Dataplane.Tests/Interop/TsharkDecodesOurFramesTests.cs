using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Interop;

/// <summary>
/// Frames Edge emits, written with Edge's pcap codec, read by tshark (Wireshark's
/// dissectors): every field as we meant it, every checksum good, nothing malformed.
/// </summary>
[Trait("Category", Category.Interop)]
public sealed class TsharkDecodesOurFramesTests
{
    [RequiresToolFact("tshark")]
    public void Tshark_reads_our_VXLAN_TCP_SYN_field_for_field_with_good_checksums()
    {
        var syn = new TcpRepr
        {
            SourcePort = 43512, DestinationPort = 80, SequenceNumber = 1000000, Flags = TcpFlags.Syn, Window = 64240,
            MaximumSegmentSize = 1410, SackPermitted = true, HasTimestamps = true, TimestampValue = 4242, WindowScale = 7,
        };
        byte[] frame = FrameBuilder.Vxlan(FrameBuilder.TcpFrame(syn, []), vni: 1);

        string[] fields = Tshark([frame],
            "vxlan.vni", "ip.src", "ip.dst", "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.flags.syn",
            "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.timestamp.tsval", "tcp.options.sack_perm",
            "ip.checksum.status", "tcp.checksum.status").Single().Split('\t');

        Assert.Equal("1", fields[0]);
        Assert.Equal("192.168.50.11,10.244.1.5", fields[1]);
        Assert.Equal("192.168.50.12,10.244.2.7", fields[2]);
        Assert.Equal(["43512", "80", "1000000", "1", "1410", "7", "4242"], fields[3..10]);
        Assert.NotEmpty(fields[10]);
        Assert.Equal("1,1", fields[11]); // Good, for the outer and the inner IPv4 header
        Assert.Equal("1", fields[12]);
    }

    [RequiresToolFact("tshark")]
    public void Tshark_finds_nothing_malformed_and_no_bad_checksum_in_a_mixed_capture()
    {
        byte[] get = System.Text.Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: web\r\n\r\n");
        var data = new TcpRepr
        {
            SourcePort = 43512, DestinationPort = 80, SequenceNumber = 1000001, AcknowledgmentNumber = 7000001,
            Flags = TcpFlags.Psh | TcpFlags.Ack, Window = 502, HasTimestamps = true, TimestampValue = 5, TimestampEcho = 4,
        };
        var overlayData = new TcpRepr
        {
            SourcePort = 43600, DestinationPort = 80, SequenceNumber = 3000001, AcknowledgmentNumber = 9000001,
            Flags = TcpFlags.Psh | TcpFlags.Ack, Window = 502,
        };
        byte[][] frames =
        [
            FrameBuilder.ArpRequest(),
            FrameBuilder.EchoRequest(0x4242, 1, System.Text.Encoding.ASCII.GetBytes("edge-ping")),
            FrameBuilder.UdpFrame(53000, 53, new byte[] { 0xbe, 0xef, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, (byte)'w', (byte)'e', (byte)'b', 0, 0, 1, 0, 1 }, checksum: true),
            FrameBuilder.UdpFrame(9000, 9001, [1, 2, 3], checksum: false),
            FrameBuilder.TcpFrame(data, get),
            FrameBuilder.Vxlan(FrameBuilder.ArpRequest(), vni: 42),
            FrameBuilder.Vxlan(FrameBuilder.TcpFrame(overlayData, get), vni: 0xABCDEF),
            FrameBuilder.Vxlan(FrameBuilder.EchoRequest(1, 2, [9, 9, 9]), vni: 1),
        ];

        string[] lines = Tshark(frames, "frame.number", "_ws.malformed", "ip.checksum.status", "udp.checksum.status",
            "tcp.checksum.status", "icmp.checksum.status", "frame.protocols");

        Assert.Equal(frames.Length, lines.Length);
        foreach (string line in lines)
        {
            string[] f = line.Split('\t');
            Assert.True(f[1].Length == 0, "malformed: " + line);
            foreach (string status in f[2..6].SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)))
            {
                // tshark's checksum status: 0 bad, 1 good, 2 unverified, 3 not present (UDP zero).
                Assert.True(status is "1" or "3", "a checksum tshark did not call good: " + line);
            }
        }

        Assert.Equal(
            ["eth:ethertype:arp", "eth:ethertype:ip:icmp:data", "eth:ethertype:ip:udp:dns", "eth:ethertype:ip:udp:data",
             "eth:ethertype:ip:tcp:http", "eth:ethertype:ip:udp:vxlan:eth:ethertype:arp",
             "eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp:http", "eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp:data"],
            lines.Select(l => l.Split('\t')[6]));
    }

    /// <summary>Writes the frames to a pcap and returns one tab-separated line of fields per frame.</summary>
    private static string[] Tshark(IReadOnlyList<byte[]> frames, params string[] fields)
    {
        string path = Path.Combine(Path.GetTempPath(), $"edge-tshark-{Guid.NewGuid():N}.pcap");
        File.WriteAllBytes(path, FrameBuilder.Pcap(frames));
        try
        {
            var args = new List<string>
            {
                "-r", path, "-n", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-d", "udp.port==4789,vxlan",
            };
            foreach (string field in fields)
            {
                args.Add("-e");
                args.Add(field);
            }

            var (exit, stdout, stderr) = Tools.Run("tshark", args);
            Assert.True(exit == 0, $"tshark failed ({exit}): {stderr}");
            return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
