using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Edge.Dataplane.Proxy;
using Edge.VirtualBoard.Config;
using Board = Edge.VirtualBoard.VirtualBoard;

namespace Edge.Bench;

/// <summary>
/// dnsperf (Debian's) against a virtual board serving 1,000 ClusterIP services (A records from
/// its service table, as a board answers them), and in the same run against NSD serving the
/// same records on loopback, both with one thread. Prints queries/s, the ratio, and bytes the
/// board allocated per query.
/// Run (root, with dnsperf and nsd installed): dotnet run -c Release --project tests/bench -- dns
/// </summary>
public static partial class DnsThroughput
{
    private const int Services = 1000;
    private const int Seconds = 10;

    public static int Run()
    {
        if (Missing() is string missing)
        {
            Console.Error.WriteLine($"error: {missing}");
            return 1;
        }

        string dir = Directory.CreateTempSubdirectory("edge-dnsperf").FullName;
        string queries = Path.Combine(dir, "queries.txt");
        File.WriteAllLines(queries, Enumerable.Range(0, Services).Select(i => $"svc-{i}.default.svc.cluster.local A"));
        try
        {
            (double edge, double allocated) = MeasureEdge(queries);
            Console.WriteLine($"edge  {Services} services: {edge,10:N0} queries/s, {allocated:F3} bytes allocated per query");
            double n = MeasureNsd(dir, queries);
            Console.WriteLine($"nsd   {Services} services: {n,10:N0} queries/s");
            Console.WriteLine($"ratio edge / nsd = {edge / n:F3}");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    // What the comparison needs, said as what to do about it.
    private static string? Missing()
    {
        if (Tools("dnsperf") == null)
        {
            return "dnsperf is not installed: apt-get install dnsperf";
        }

        if (!File.Exists("/usr/sbin/nsd"))
        {
            return "NSD is not installed (the baseline this compares against): apt-get install nsd";
        }

        return Environment.IsPrivilegedProcess ? null : "run as root: NSD and the board answer on port 53";
    }

    private static string? Tools(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    private static (double QueriesPerSecond, double AllocatedPerQuery) MeasureEdge(string queries)
    {
        var config = new BoardConfig { Name = "dns-bench", Address = "127.0.10.71", PodCidr = "10.244.71.0/24" };
        config.Capacity["maxServices"] = Services;
        using var board = new Board(config, "dns-bench");
        for (int i = 0; i < Services; i++)
        {
            var service = new Service { Name = "svc-" + i, PortName = "http", ClusterIp = 0x0A600000u + (uint)i + 1, Port = 80 };
            if (!board.Node.Proxy.SetService(service) && board.Node.Proxy.Services.Find("default", service.Name, "http") == null)
            {
                throw new InvalidOperationException($"the board's service table took only {i} of {Services} services");
            }
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

    private static double MeasureNsd(string dir, string queries)
    {
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
            if (!Answers("127.0.10.72", TimeSpan.FromSeconds(20)))
            {
                throw new InvalidOperationException("NSD did not start answering on 127.0.10.72:53: " + (File.Exists(Path.Combine(dir, "nsd.log")) ? File.ReadAllText(Path.Combine(dir, "nsd.log")) : "(no log)"));
            }

            return Dnsperf("127.0.10.72", queries);
        }
        finally
        {
            nsd.Kill();
            nsd.WaitForExit();
        }
    }

    // Whether a server answers a query for the zone's SOA within the time (asked every 100 ms).
    private static bool Answers(string server, TimeSpan within)
    {
        using var udp = new System.Net.Sockets.UdpClient();
        udp.Client.ReceiveTimeout = 100;
        byte[] query = [0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7, .."cluster"u8, 5, .."local"u8, 0, 0, 6, 0, 1];
        var to = new System.Net.IPEndPoint(System.Net.IPAddress.Parse(server), 53);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            try
            {
                udp.Send(query, query.Length, to);
                System.Net.IPEndPoint? from = null;
                if (udp.Receive(ref from).Length > 0)
                {
                    return true;
                }
            }
            catch (System.Net.Sockets.SocketException)
            {
                // not listening yet (refused) or no answer within 100 ms: ask again
            }
        }

        return false;
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
