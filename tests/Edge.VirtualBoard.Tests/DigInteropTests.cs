using Edge.Dataplane.Dns;
using Edge.Dataplane.Wire;

namespace Edge.VirtualBoard.Tests;

/// <summary>`dig` (ISC BIND's client, Debian dnsutils) against a virtual board's port 53.</summary>
[Trait("Category", Category.Interop)]
public sealed class DigInteropTests : IDisposable
{
    private const string Board = "127.0.10.61";
    private readonly LoopbackLab _lab = new();
    private readonly VirtualBoard _board;

    public DigInteropTests()
    {
        _board = _lab.AddServingDns(LoopbackLab.Config(1, 1, Board));
        if (!_board.Node.Dns.ListeningOnBoard)
        {
            _lab.Dispose(); // xUnit disposes nothing whose constructor failed: the next test would find the ports taken
            Assert.Fail($"{Board}:53 is taken by another process: dig would be refused");
        }
        DnsZone zone = _board.Node.DnsZone;
        zone.SetService(new DnsService
        {
            Name = "web", ClusterIp = LoopbackLab.Ip("10.96.0.20"),
            PortNames = ["http"], PortProtocols = [IpProtocol.Tcp], PortNumbers = [80],
        });
        zone.SetService(new DnsService
        {
            Name = "db", PortNames = ["mysql"], PortProtocols = [IpProtocol.Tcp], PortNumbers = [3306],
            EndpointAddresses = [LoopbackLab.Ip("10.244.1.5"), LoopbackLab.Ip("10.244.2.6")],
            EndpointHostnames = ["db-0", null!], EndpointReady = [true, true], EndpointPorts = [3306, 3306],
        });
        zone.SetService(new DnsService { Name = "ext", ExternalName = "db.example.com" });
        zone.SetService(new DnsService
        {
            Name = "many",
            EndpointAddresses = Enumerable.Range(1, 40).Select(i => LoopbackLab.Ip($"10.244.3.{i}")).ToArray(),
            EndpointHostnames = new string[40], EndpointReady = Enumerable.Repeat(true, 40).ToArray(),
        });
        zone.SetPod(LoopbackLab.Ip("10.244.1.5"), "default");
    }

    public void Dispose() => _lab.Dispose();

    private string Dig(params string[] args)
    {
        RunningTool dig = Tools.Start("dig", ["@" + Board, "+tries=1", "+time=3", .. args]);
        Assert.True(_lab.RunUntil(() => dig.HasExited, TimeSpan.FromSeconds(20)), "dig did not finish");
        dig.Process.WaitForExit();
        Assert.True(dig.ExitCode == 0, $"dig {string.Join(' ', args)}: {dig.StdOut}{dig.StdErr}");
        return dig.StdOut;
    }

    private string Short(params string[] args) => Dig(["+short", .. args]).Trim();

    [RequiresToolFact("dig")]
    public void Dig_reads_every_record_form()
    {
        Assert.Equal("10.96.0.20", Short("web.default.svc.cluster.local", "A"));
        Assert.Equal("\"1.1.0\"", Short("dns-version.cluster.local", "TXT"));
        Assert.Equal("0 100 80 web.default.svc.cluster.local.", Short("_http._tcp.web.default.svc.cluster.local", "SRV"));
        Assert.Equal(["10.244.1.5", "10.244.2.6"], Short("db.default.svc.cluster.local", "A").Split('\n').Order());
        Assert.Equal("10.244.1.5", Short("db-0.db.default.svc.cluster.local", "A"));
        Assert.Equal("10.244.2.6", Short("10-244-2-6.db.default.svc.cluster.local", "A"));
        Assert.Equal(["0 50 3306 10-244-2-6.db.default.svc.cluster.local.", "0 50 3306 db-0.db.default.svc.cluster.local."],
            Short("_mysql._tcp.db.default.svc.cluster.local", "SRV").Split('\n').Order());
        Assert.Equal("db.example.com.", Short("ext.default.svc.cluster.local", "CNAME"));
        Assert.Equal("10.244.1.5", Short("10-244-1-5.default.pod.cluster.local", "A"));
        Assert.Equal("web.default.svc.cluster.local.", Short("-x", "10.96.0.20"));
        Assert.Equal("db-0.db.default.svc.cluster.local.", Short("-x", "10.244.1.5"));
    }

    [RequiresToolFact("dig")]
    public void NXDOMAIN_and_NODATA_both_carry_the_SOA()
    {
        string nx = Dig("nope.default.svc.cluster.local", "A");
        Assert.Contains("status: NXDOMAIN", nx);
        Assert.Contains("flags: qr aa rd;", nx);
        Assert.Matches(@"cluster\.local\.\s+5\s+IN\s+SOA\s+ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 5", nx);

        string nodata = Dig("web.default.svc.cluster.local", "AAAA");
        Assert.Contains("status: NOERROR", nodata);
        Assert.Contains("ANSWER: 0, AUTHORITY: 1", nodata);
    }

    [RequiresToolFact("dig")]
    public void The_questions_case_is_preserved()
    {
        Assert.Matches(@"\nWeB\.DeFaUlT\.sVc\.cluster\.local\.\s+5\s+IN\s+A\s+10\.96\.0\.20", Dig("WeB.DeFaUlT.sVc.cluster.local", "A"));
    }

    [RequiresToolFact("dig")]
    public void EDNS_is_answered_and_a_small_buffer_gets_TC()
    {
        string edns = Dig("+edns=0", "+bufsize=4096", "web.default.svc.cluster.local", "A");
        Assert.Contains("EDNS: version: 0, flags:; udp: 1232", edns);

        string small = Dig("+noedns", "+ignore", "many.default.svc.cluster.local", "A");
        Assert.Contains("flags: qr aa tc rd;", small);

        string big = Dig("+bufsize=1232", "many.default.svc.cluster.local", "A");
        Assert.Contains("ANSWER: 40,", big);

        string retried = Dig("+noedns", "many.default.svc.cluster.local", "A"); // TC over UDP, then dig retries over TCP
        Assert.Contains("ANSWER: 40,", retried);
        Assert.Contains("(TCP)", retried);

        string tcp = Dig("+tcp", "_http._tcp.web.default.svc.cluster.local", "SRV");
        Assert.Contains("0 100 80 web.default.svc.cluster.local.", tcp);
    }

    [RequiresToolFact("dig")]
    public void Names_outside_the_cluster_are_refused_not_resolved()
    {
        string refused = Dig("example.com", "A");
        Assert.Contains("status: REFUSED", refused);
        Assert.DoesNotContain("ANSWER: 1", refused);
    }
}
