using Edge.Dataplane.Boards;
using Edge.NanoClr;
using Edge.VirtualBoard.Budget;

namespace Edge.Bench;

/// <summary>
/// The board's memory against its class's budget, on the net10.0 build: a board of each class
/// booted with its capacities and loaded with the workshop's worst case (<see cref="WorstCaseBoard"/>),
/// its live objects priced with nanoFramework's heap layout (<see cref="NanoHeapCensus"/>), by part,
/// and the peak while a new snapshot is decoded beside the state it replaces. Then the same worst
/// case measured on nanoCLR's 32-bit interpreter (<see cref="BoardBudget"/>: free heap after a
/// collection, the assemblies' runtime tables and statics included), beside the census, with the
/// margin to each budget; without a toolchain it says how to get one.
/// Run: dotnet run -c Release --project tests/bench -- budget
/// </summary>
public static class MemoryBudget
{
    private static string Growth(NanoHeapCensus before, NanoHeapCensus after, int count, int least = 24)
    {
        IReadOnlyDictionary<string, long> was = before.Fields;
        return string.Join(", ", after.Fields
            .Select(kv => (kv.Key, Bytes: (kv.Value - was.GetValueOrDefault(kv.Key)) / count))
            .Where(f => f.Bytes >= least)
            .OrderByDescending(f => f.Bytes)
            .Select(f => $"{f.Key} {f.Bytes}"));
    }

    public static int Run()
    {
        var censusPeak = new Dictionary<int, long>();
        foreach (int memoryClass in new[] { MemoryClass.Wroom, MemoryClass.Wrover, MemoryClass.Large })
        {
            var board = new WorstCaseBoard(memoryClass);
            NanoHeapCensus census = board.Census();
            long resync = board.ResyncPeak();
            long peak = Math.Max(census.TotalBytes, board.PeakWhileEverythingChanges()); // a changed service starts with no counters: the steady heap can be the higher
            int budget = MemoryClass.BudgetBytes(memoryClass);
            censusPeak[memoryClass] = peak;
            string name = MemoryClass.Name(memoryClass);
            string parts = string.Join(" + ", census.Parts.Select(p => $"{p.Key} {p.Value / 1024.0:F1}"));
            Console.WriteLine($"{name,-7} {parts} = {census.TotalBytes / 1024.0:F1} KiB steady, {peak / 1024.0:F1} KiB at the peak (the steady heap, or a state with every service changed being decoded): "
                + $"ratio {(double)peak / budget:F2} of its {budget / 1024} KiB budget "
                + $"(a resync of the same state {resync / 1024.0:F1} KiB above steady; snapshot {board.Snapshot.Length:N0} bytes in {board.SnapshotParts} parts; conntrack {board.Config.ConntrackEntries}, packet buffers {board.Config.PacketBuffers})");
            if (memoryClass == MemoryClass.Wroom)
            {
                NanoHeapCensus emptyNode = new WorstCaseBoard(memoryClass, 0, 0).Census();
                NanoHeapCensus podsOnly = new WorstCaseBoard(memoryClass, 8, 0, sidecars: 0, probes: 0).Census();
                NanoHeapCensus withSidecars = new WorstCaseBoard(memoryClass, 8, 0, sidecars: 8, probes: 0).Census();
                NanoHeapCensus withProbes = new WorstCaseBoard(memoryClass, 8, 0, sidecars: 8, probes: 8).Census();
                long empty = emptyNode.TotalBytes;
                long onePod = (podsOnly.TotalBytes - empty) / 8;
                long oneSidecar = (withSidecars.TotalBytes - podsOnly.TotalBytes) / 8;
                long oneProbe = (withProbes.TotalBytes - withSidecars.TotalBytes) / 8;
                long oneService = (census.TotalBytes - withProbes.TotalBytes) / 32;
                Console.WriteLine("wroom   where one pod's bytes go: " + Growth(emptyNode, podsOnly, 8));
                Console.WriteLine($"wroom   a toolbox beside whoami {oneSidecar:N0} bytes, where they go: " + Growth(podsOnly, withSidecars, 8, 12));
                Console.WriteLine($"wroom   a readiness probe {oneProbe:N0} bytes between its runs (with a share of the prober and of the spec equal pods share), where they go: " + Growth(withSidecars, withProbes, 8, 12));
                Console.WriteLine("wroom   where one service's bytes go: " + Growth(withProbes, census, 32));
                Console.WriteLine("wroom   an empty node's biggest fields: " + string.Join(", ", emptyNode.Fields.OrderByDescending(f => f.Value).Take(120).Select(f => $"{f.Key} {f.Value}")));
                var services = board.Agent.Node.Proxy.Services;
                string whole = Edge.Dataplane.Proxy.Views.IptablesView.Render(services, 0x0AF40000, 16);
                Console.WriteLine($"{name,-7} the iptables view of this board is {whole.Length:N0} characters; the board streams it a 128-character buffer at a time into its frames (held whole, it would be {whole.Length / 1024.0:F1} KiB as a string and about twice that while built)");
                var connected = new WorstCaseBoard(memoryClass);
                NanoHeapCensus idle = connected.Census();
                int established = connected.OpenConnections(4);
                NanoHeapCensus busy = connected.Census();
                long perConnection = (busy.TotalBytes - idle.TotalBytes) / Math.Max(established, 1);
                Console.WriteLine($"wroom   {established} of 4 connections between pods established for the measure");
                Console.WriteLine("wroom   where one connection's bytes go: " + Growth(idle, busy, established));
                Console.WriteLine($"{name,-7} each TCP connection between two of its pods adds {perConnection:N0} bytes while open (both ends' sockets, control blocks and {connected.Config.TcpSendBuffer}+{connected.Config.TcpReceiveBuffer}-byte buffers); the figures above have none open");
                Console.WriteLine($"{name,-7} an empty node {empty / 1024.0:F1} KiB, each whoami pod {onePod:N0} bytes, each toolbox beside it {oneSidecar:N0}, each readiness probe {oneProbe:N0}, each service (2 endpoints, DNS) {oneService:N0} bytes");
                Console.WriteLine($"{name,-7} {Authentication(new WorstCaseBoard(memoryClass))}");
                Console.Write(census.TopTypes(12));
            }

            // The ingress, priced for every class: routes by difference (8 more), the rest (its
            // code's state, the connection slot, the parser and writer) as what 8 routes cost
            // beyond a board without ingress, less the routes.
            NanoHeapCensus noIngress = new WorstCaseBoard(memoryClass, 8, 32, ingressRoutes: 0).Census();
            NanoHeapCensus moreRoutes = new WorstCaseBoard(memoryClass, 8, 32, ingressRoutes: 2 * WorstCaseBoard.IngressRouteCount).Census();
            long perRoute = (moreRoutes.TotalBytes - census.TotalBytes) / WorstCaseBoard.IngressRouteCount;
            long ingressFixed = census.TotalBytes - noIngress.TotalBytes - WorstCaseBoard.IngressRouteCount * perRoute;
            Console.WriteLine($"{name,-7} ingress: {ingressFixed:N0} bytes once it serves (the proxy, its {board.Config.IngressConnections} connection slot{(board.Config.IngressConnections == 1 ? "" : "s")}' state, the head parser and writer; a request in flight also holds two of the node's packet buffers and a pod-side socket), each route {perRoute:N0} more (up to {board.Config.MaxIngressRoutes}); where a route's bytes go: {Growth(census, moreRoutes, WorstCaseBoard.IngressRouteCount)}");
            Console.WriteLine($"{name,-7} {AnnotationCost(WorstCaseBoard.IngressRouteCount)}");
            if (memoryClass == MemoryClass.Wroom)
            {
                Console.Write(census.TopFields(200));
            }
        }

        return Measured(censusPeak);
    }

    /// <summary>
    /// What ingress-nginx's annotations cost a board beyond the worst case (whose routes have
    /// none), priced by the census: the per-route tables made once any route has an annotation
    /// (allowlist, canary, ssl-redirect), then the regular-expression paths' tables and matcher
    /// once a route has a pattern, then each pattern (the documentation's rewrite example).
    /// </summary>
    private static string AnnotationCost(int routes)
    {
        byte[] program = Edge.Host.Compile.PathRegexCompiler.Compile("/something(/|$)(.*)").Program!;
        var annotations = new Edge.Dataplane.Ingress.RouteAnnotations(routes, 0);
        long tables = new NanoHeapCensus().Add("annotations", annotations);
        annotations.Rewrites = new Edge.Dataplane.Ingress.RouteRewrites(routes);
        long none = new NanoHeapCensus().Add("annotations", annotations) - tables;
        for (int i = 0; i < routes; i++)
        {
            annotations.Rewrites.Programs[i] = (byte[])program.Clone();
            annotations.Rewrites.Targets[i] = "/$2";
        }

        long all = new NanoHeapCensus().Add("annotations", annotations) - tables;
        return $"annotations (beyond the worst case, whose {routes} routes have none): {tables:N0} bytes once a route has one (allowlist, canary, ssl-redirect), "
            + $"rewrite-target {none:N0} more once a route has a pattern (the matcher, its backtracking stack and the per-route tables), "
            + $"each pattern {(all - none) / routes:N0} (the documentation's /something(/|$)(.*): {program.Length} bytes of program, and its target)";
    }

    /// <summary>What the management line's authentication holds on the board (the census's prices): its SessionAuth, SHA-256's round constants, the control plane line, a connection waiting to prove the key.</summary>
    private static string Authentication(WorstCaseBoard board)
    {
        NanoHeapCensus census = board.Census();
        var priced = new NanoHeapCensus();
        long auth = priced.Add("session auth", board.Session.Trust);
        object? roundConstants = typeof(Edge.Dataplane.Trust.Sha256).GetField("s_k", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)?.GetValue(null);
        long constants = priced.Add("round constants", roundConstants);
        long line = census.Parts.GetValueOrDefault("control plane line");
        long before = board.Census().TotalBytes;
        board.ConnectionWaiting();
        long waiting = board.Census().TotalBytes - before;
        return $"the management line's authentication: the board's SessionAuth {auth:N0} bytes (cluster and session keys, HMAC-SHA256 and SHA-256 state), SHA-256's round constants {constants:N0}, "
            + $"the control plane line {line:N0} (its two nonces), a connection waiting to prove the key {waiting:N0} more (its frame reader for 64-byte payloads): {auth + constants + line + waiting:N0} bytes at the peak";
    }

    /// <summary>The worst case of each class on nanoCLR x86, beside the census's figure.</summary>
    private static int Measured(IReadOnlyDictionary<int, long> census)
    {
        NanoClrToolchain? toolchain = NanoClrToolchain.Find();
        if (toolchain == null)
        {
            Console.WriteLine($"nanoCLR x86: not measured, {NanoClrToolchain.Missing} (and apt-get install qemu-user libc6-i386 lib32stdc++6 for the 32-bit interpreter)");
            return 0;
        }

        string work = Directory.CreateTempSubdirectory("edge-budget-").FullName;
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            IReadOnlyList<(string Dll, string Pe)> dataplane = BoardBudget.ConvertDataplane(toolchain, work);
            int failed = 0;
            foreach (BoardBudgetFigures figures in BoardBudget.Measure(toolchain, dataplane, work, [MemoryClass.Wroom, MemoryClass.Wrover, MemoryClass.Large]))
            {
                if (!figures.Completed)
                {
                    Console.WriteLine($"{figures.Name,-7} nanoCLR x86: the measuring program did not finish:\n{figures.Probe.Run.Tail(20)}\n{figures.Empty.Run.Tail(5)}");
                    failed++;
                    continue;
                }

                Console.Write(figures.Describe());
                Console.WriteLine($"; the census said {BoardBudgetFigures.KiB(census[figures.MemoryClass])} for the board (measured {BoardBudgetFigures.KiB(figures.Peak)}), and counts no assembly");
            }

            Console.WriteLine($"nanoCLR x86 measured with {toolchain.Home} in {started.Elapsed.TotalSeconds:F0} s (free heap after GC.Run(false); tests/Edge.NanoClr/BoardBudget.cs says how)");
            return failed;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
