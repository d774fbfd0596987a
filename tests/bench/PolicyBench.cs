using Edge.Bench.Interpreter;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Net;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Wire;
using Edge.NanoClr;
using Edge.VirtualBoard.Budget;

namespace Edge.Bench;

/// <summary>
/// `bench -- policy`: what NetworkPolicy costs a packet and a board's memory. Times a
/// connection's first packet and an established one through the policy engine's forward hook
/// alone and through two boards whole (Interpreter/Policy/), with 0, 1, 10 and 100 policies
/// selecting the receiving pod (<see cref="BenchPolicies"/>: the allowing rule last, so every
/// policy is read), on CoreCLR and on nanoCLR x64 in one run (the least of three rounds
/// each); each figure as a ratio to the same path with 0 policies (and, for the whole packet,
/// to a board that never enforced one) measured in the same run. Then bytes per policy, rule,
/// address, port and remembered connection: allocated on .NET, and priced as nanoFramework's
/// heap lays them out (<see cref="NanoHeapCensus"/>).
/// </summary>
public static class PolicyBench
{
    private static readonly int[] Counts = [-1, 0, 1, 10, 100];

    public static int Run()
    {
        SpeedScenario[] scenarios = PolicyScenarios.All().Where(s => s is not Calibration).ToArray();
        (Dictionary<string, double> core, Dictionary<string, double> allocated) = CoreClrRounds.Run(scenarios, PolicyScenarios.Rounds, PolicyScenarios.TargetTicks);

        Dictionary<string, double>? nano = null;
        string? why;
        NanoClrToolchain? toolchain = NanoClrToolchain.Find();
        if (toolchain == null)
        {
            why = NanoClrToolchain.Missing;
        }
        else
        {
            string[] sources = Directory.GetFiles(SpeedBench.Source("Interpreter"), "*.cs")
                .Where(f => Path.GetFileName(f) != "NanoProgram.cs")
                .Concat(Directory.GetFiles(SpeedBench.Source(Path.Combine("Interpreter", "Policy")), "*.cs"))
                .ToArray();
            nano = SpeedBench.OnNanoClr(toolchain, "EdgePolicy", sources, out why);
        }

        double factor = double.NaN;
        if (nano != null && nano.TryGetValue("calibrate-native-call", out double plain) && nano.TryGetValue("calibrate-locked-call", out double locked))
        {
            (double toggle, double write) = BoardEstimate.Factors(plain / Calibration.Rounds, locked / Calibration.Rounds);
            factor = (toggle + write) / 2;
        }

        Console.WriteLine("policy: N ingress policies select the receiving pod, one rule each; rules 0..N-2 take the sender's /24 to UDP 9000+i");
        Console.WriteLine("(peer read and matched, port read and missed), the last takes the sender's /32 to UDP 8080 and allows the packet.");
        Console.WriteLine("hook: PolicyEngine.Forward on a prepared IPv4/UDP packet; packet: a pod's 64-byte UDP datagram to a pod on another board, whose board enforces the set.");
        Console.WriteLine("x0: over the same with 0 policies (the engine on the hooks, nothing isolated: a board whose policies were all deleted); xnone: over a board that never had one.");
        Console.WriteLine();
        Table("first packet (a new connection every packet: the source port changes)", "first", core, nano, allocated, factor);
        Console.WriteLine();
        Table("established packet (the same connection every packet, remembered at its first)", "established", core, nano, allocated, factor);
        Console.WriteLine();
        Memory();
        Console.WriteLine();
        Console.WriteLine(nano != null
            ? $"ESP32 estimate: nanoCLR x64's time x {factor:F0} (the speed bench's calibration loops; see tests/bench/BoardEstimate.cs)"
            : $"nanoCLR: not run ({why})");
        return nano != null ? 0 : 1;
    }

    private static void Table(string title, string kind, Dictionary<string, double> core, Dictionary<string, double>? nano, Dictionary<string, double> allocated, double factor)
    {
        Console.WriteLine(title);
        Console.WriteLine($"{"policies",-8} {"hook CoreCLR",12} {"x0",6} {"hook nanoCLR",12} {"x0",6} {"packet CoreCLR",14} {"x0",6} {"xnone",6} {"packet nanoCLR",14} {"x0",6} {"xnone",6} {"ESP32 (est.)",13} {"allocated (hook, packet)",24}");
        foreach (int n in Counts)
        {
            string count = n < 0 ? "none" : n.ToString();
            string hook = $"policy-hook-{kind}-{count}", node = $"policy-node-{kind}-{count}";
            string hook0 = $"policy-hook-{kind}-0", node0 = $"policy-node-{kind}-0", nodeNone = $"policy-node-{kind}-none";
            double nanoNode = Get(nano, node);
            string board = double.IsNaN(nanoNode) || double.IsNaN(factor) ? "-" : $"{1e6 / (nanoNode * factor):N0}/s";
            string bytes = (n < 0 ? "-" : $"{allocated[hook]:F0} B") + ", " + $"{allocated[node]:F0} B";
            Console.WriteLine($"{count,-8} {Time(Get(core, hook)),12} {Ratio(core, hook, hook0),6} {Time(Get(nano, hook)),12} {Ratio(nano, hook, hook0),6} " +
                $"{Time(core[node]),14} {Ratio(core, node, node0),6} {Ratio(core, node, nodeNone),6} {Time(nanoNode),14} {Ratio(nano, node, node0),6} {Ratio(nano, node, nodeNone),6} {board,13} {bytes,24}");
        }

        // What each policy more costs, from 10 to 100 (the rules all read, the allowing one last).
        double core10 = Get(core, $"policy-hook-{kind}-10"), core100 = Get(core, $"policy-hook-{kind}-100");
        double nano10 = Get(nano, $"policy-hook-{kind}-10"), nano100 = Get(nano, $"policy-hook-{kind}-100");
        string onBoard = double.IsNaN(factor) || double.IsNaN(nano100) ? "" : $", ESP32 (est.) {Time((nano100 - nano10) / 90 * factor)}";
        Console.WriteLine($"each policy more (10 -> 100, the hook): CoreCLR {Time((core100 - core10) / 90)}, nanoCLR x64 {Time((nano100 - nano10) / 90)}{onBoard}");
    }

    // Bytes CoreCLR allocates per packet once warmed up: the least of three stretches of 10,000
    // packets (a collection another thread starts can charge this one once; see tests/Edge.Dataplane.Tests/Allocations.cs).

    // Bytes per item of a compiled policy set and of the remembered connections: what building
    // 2N of them takes over N, allocated on .NET and priced as a board's heap holds it.
    private static void Memory()
    {
        const int N = 512;
        uint pods = Ipv4Address.FromOctets(10, 244, 1, 2);
        Console.WriteLine($"memory, per item: a set of {2 * N} over one of {N} (.NET: allocated bytes; board: NanoHeapCensus, nanoFramework's heap layout)");
        var items = new (string What, Func<int, object> Build)[]
        {
            ("policy (its slots, a 17-18 character name built at run time)", n =>
            {
                var set = new PolicySet(n, 0, 0, 0);
                for (int i = 0; i < n; i++)
                {
                    set.AddPolicy("default/policy-" + i, PolicyTypes.Ingress);
                }

                return set;
            }),
            ("rule", n =>
            {
                var set = new PolicySet(1, n, 0, 0);
                set.AddPolicy("default/p", PolicyTypes.Ingress);
                for (int i = 0; i < n; i++)
                {
                    set.AddRule(RuleFlags.AnyPeer | RuleFlags.AnyPort);
                }

                return set;
            }),
            ("address (a subject, a peer block or an except)", n =>
            {
                var set = new PolicySet(1, 1, n, 0);
                set.AddPolicy("default/p", PolicyTypes.Ingress);
                set.AddRule(RuleFlags.AnyPort);
                for (int i = 0; i < n; i++)
                {
                    set.AddPeer(pods + (uint)i, 32, false);
                }

                return set;
            }),
            ("port range", n =>
            {
                var set = new PolicySet(1, 1, 0, n);
                set.AddPolicy("default/p", PolicyTypes.Ingress);
                set.AddRule(RuleFlags.AnyPeer);
                for (int i = 0; i < n; i++)
                {
                    set.AddPort(IpProtocol.Tcp, (ushort)(1 + i), (ushort)(1 + i), 0);
                }

                return set;
            }),
            ("remembered connection (a slot of the table: made whole)", n => new PolicyConnections(n)),
        };

        var perItem = new Dictionary<string, (double Net, double Board)>();
        Console.WriteLine($"  {"item",-60} {".NET",8} {"board",8}");
        foreach (var (what, build) in items)
        {
            double onNet = (double)(Allocated(() => build(2 * N)) - Allocated(() => build(N))) / N;
            double onBoard = (double)(Census(build(2 * N)) - Census(build(N))) / N;
            perItem[what.Split(' ')[0]] = (onNet, onBoard);
            Console.WriteLine($"  {what,-60} {onNet,6:F1} B {onBoard,6:F1} B");
        }

        // The bench's policy: one subject, one rule with one peer block and one port range.
        (double net, double board) = Sum(perItem, ("policy", 1), ("rule", 1), ("address", 2), ("port", 1));
        Console.WriteLine($"  {"a policy as the bench's (1 subject, 1 rule, 1 peer, 1 port)",-60} {net,6:F0} B {board,6:F0} B");
        (net, board) = Sum(perItem, ("policy", 1), ("rule", 1), ("address", 3), ("port", 1));
        Console.WriteLine($"  {"a workshop policy (1 subject, 1 rule, an ipBlock + except, 1 port)",-60} {net,6:F0} B {board,6:F0} B");

        // What the first policy makes beside its set: the engine's tables, sized by the node's capacities.
        foreach (int memoryClass in new[] { 0, MemoryClass.Wroom })
        {
            var config = new NodeConfig();
            if (memoryClass != 0)
            {
                MemoryClass.Apply(memoryClass, config);
            }

            var engine = new PolicyEngine(config.PolicyConnections, config.MaxPods, config.GatewayAddress, config.VtepAddress);
            PolicySet set = BenchPolicies.Make(1, pods, pods + 1);
            engine.Load(set);
            var census = new NanoHeapCensus();
            census.Add("set", set);
            long tables = census.Add("engine", engine);
            string name = memoryClass == 0 ? "default capacities" : MemoryClass.Name(memoryClass);
            Console.WriteLine($"  the engine's tables, made with the first policy ({name}: {config.PolicyConnections} connections, {config.MaxPods} pods): board {tables:N0} B");
        }
    }

    private static (double Net, double Board) Sum(Dictionary<string, (double Net, double Board)> perItem, params (string Item, int Count)[] parts) =>
        (parts.Sum(p => perItem[p.Item].Net * p.Count), parts.Sum(p => perItem[p.Item].Board * p.Count));

    private static long Allocated(Func<object> build)
    {
        GC.Collect();
        long before = GC.GetAllocatedBytesForCurrentThread();
        object kept = build();
        long after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(kept);
        return after - before;
    }

    private static long Census(object root)
    {
        var census = new NanoHeapCensus();
        census.Add("root", root);
        return census.TotalBytes;
    }

    private static double Get(Dictionary<string, double>? figures, string name) =>
        figures != null && figures.TryGetValue(name, out double x) ? x : double.NaN;

    private static string Ratio(Dictionary<string, double>? figures, string name, string baseline)
    {
        double x = Get(figures, name), b = Get(figures, baseline);
        return double.IsNaN(x) || double.IsNaN(b) ? "-" : $"{x / b:F2}";
    }

    private static string Time(double us) =>
        double.IsNaN(us) ? "-" : us < 1 ? $"{us * 1000:F0} ns" : us < 10 ? $"{us:F2} µs" : us < 100 ? $"{us:F1} µs" : $"{us:F0} µs";
}
