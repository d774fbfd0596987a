using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Edge.Dataplane.Dns;
using Edge.VirtualBoard.Config;
using Board = Edge.VirtualBoard.VirtualBoard;

namespace Edge.Bench;

/// <summary>
/// dnsperf (Debian's) against a virtual board serving 1,000 services, and in the same run
/// against NSD serving the same records on loopback, both with one thread. Prints queries/s,
/// the ratio, and bytes the board allocated per query.
/// Run (root, with dnsperf and nsd installed): dotnet run -c Release --project tests/bench -- dns
/// </summary>
public static partial class DnsThroughput
{
    private const int Services = 1000;
    private const int Seconds = 10;

    public static int Run()
    {
        string dir = Directory.CreateTempSubdirectory("edge-dnsperf").FullName;
        string queries = Path.Combine(dir, "queries.txt");
        File.WriteAllLines(queries, Enumerable.Range(0, Services).Select(i => $"svc-{i}.default.svc.cluster.local A"));
        try
        {
            (double edge, double allocated) = MeasureEdge(queries);
            Console.WriteLine($"edge  {Services} services: {edge,10:N0} queries/s, {allocated:F3} bytes allocated per query");
            double? nsd = MeasureNsd(dir, queries);
            if (nsd is double n)
            {
                Console.WriteLine($"nsd   {Services} services: {n,10:N0} queries/s");
                Console.WriteLine($"ratio edge / nsd = {edge / n:F3}");
            }
            else
            {
                Console.WriteLine("nsd   not measured (apt-get install nsd; needs root for port 53)");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static (double QueriesPerSecond, double AllocatedPerQuery) MeasureEdge(string queries)
    {
        using var board = new Board(new BoardConfig { Name = "dns-bench", Address = "127.0.10.71", PodCidr = "10.244.71.0/24" }, "dns-bench");
        for (int i = 0; i < Services; i++)
        {
            board.Node.DnsZone.SetService(new DnsService { Name = "svc-" + i, ClusterIp = 0x0A600000u + (uint)i + 1 });
        }

        long allocated = 0, answered = 0;
        using var stop = new CancellationTokenSource();
        var loop = new Thread(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                board.PollOnce(); // warm up before counting
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            long first = board.Node.Dns.Server.Queries;
            while (!stop.IsCancellationRequested)
            {
                if (board.PollOnce() == 0)
                {
                    board.WaitForWork(200);
                }
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            answered = board.Node.Dns.Server.Queries - first;
        });
        loop.Start();
        double qps = Dnsperf("127.0.10.71", queries);
        stop.Cancel();
        loop.Join();
        return (qps, answered == 0 ? double.NaN : (double)allocated / answered);
    }

    private static double? MeasureNsd(string dir, string queries)
    {
        if (!File.Exists("/usr/sbin/nsd") || !Environment.IsPrivilegedProcess)
        {
            return null;
        }

        var zone = new StringBuilder();
        zone.AppendLine("$ORIGIN cluster.local.").AppendLine("$TTL 5")
            .AppendLine("@ IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5")
            .AppendLine("@ IN NS ns.dns.cluster.local.").AppendLine("ns.dns IN A 127.0.10.72");
        for (int i = 0; i < Services; i++)
        {
            uint a = 0x0A600000u + (uint)i + 1;
            zone.AppendLine($"svc-{i}.default.svc IN A {a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}");
        }

        File.WriteAllText(Path.Combine(dir, "cluster.local.zone"), zone.ToString());
        string conf = Path.Combine(dir, "nsd.conf");
        File.WriteAllText(conf, $"""
            server:
              ip-address: 127.0.10.72
              port: 53
              server-count: 1
              username: ""
              chroot: ""
              zonesdir: "{dir}"
              database: ""
              pidfile: "{dir}/nsd.pid"
              xfrdfile: "{dir}/xfrd.state"
              zonelistfile: "{dir}/zone.list"
              logfile: "{dir}/nsd.log"
            remote-control:
              control-enable: no
            zone:
              name: cluster.local
              zonefile: cluster.local.zone
            """);
        using Process nsd = Process.Start(new ProcessStartInfo("/usr/sbin/nsd", ["-d", "-c", conf]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        try
        {
            Thread.Sleep(1500);
            return nsd.HasExited ? null : Dnsperf("127.0.10.72", queries);
        }
        finally
        {
            nsd.Kill();
            nsd.WaitForExit();
        }
    }

    private static double Dnsperf(string server, string queries)
    {
        using Process p = Process.Start(new ProcessStartInfo("dnsperf", ["-s", server, "-d", queries, "-l", Seconds.ToString(), "-c", "1", "-q", "64", "-t", "2"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Match m = QueriesPerSecond().Match(output);
        if (!m.Success)
        {
            throw new InvalidOperationException("dnsperf said:\n" + output + p.StandardError.ReadToEnd());
        }

        return double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Queries per second:\s+([\d.]+)")]
    private static partial Regex QueriesPerSecond();
}
