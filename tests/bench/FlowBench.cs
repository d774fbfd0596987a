using Edge.Bench.Interpreter;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.NanoClr;
using Edge.VirtualBoard.Budget;

namespace Edge.Bench;

/// <summary>
/// `bench -- flows`: what recording flow events (issue 18's FlowLog) costs a packet and a
/// board's memory. Times a pod's UDP datagram through a board keeping flow events and one that
/// keeps none (Interpreter/Flows/; off and on on the same board, and a board made with FlowEvents = 0 beside): a new connection's first packet to a ClusterIP (a service-pick
/// event), an established one (none, by design), one rejected for want of an endpoint (a drop
/// event) and one a default-deny policy denied (its policy-denied verdict, one event); and one event
/// recorded alone. On CoreCLR and on nanoCLR x64 in one run, the least of five rounds each, each
/// "on" figure as a ratio to the same packet with flows off measured in the same run. Then bytes
/// per event, priced as nanoFramework's heap lays them out (<see cref="NanoHeapCensus"/>) and
/// measured on nanoCLR's 32-bit interpreter (a WROOM board's ring of 16 and the default 256),
/// and bytes CoreCLR allocates per packet.
/// </summary>
public static class FlowBench
{
    private static readonly int[] Kinds = [FlowBoard.First, FlowBoard.Established, FlowBoard.Rejected, FlowBoard.Denied];

    public static int Run()
    {
        SpeedScenario[] scenarios = FlowScenarios.All().Where(s => s is not Calibration).ToArray();
        (Dictionary<string, double> core, Dictionary<string, double> allocated) = CoreClrRounds.Run(scenarios, FlowScenarios.Rounds, FlowScenarios.TargetTicks);

        Dictionary<string, double>? nano = null;
        (long Wroom, long Default)? ring = null;
        string? why, ringWhy = null;
        NanoClrToolchain? toolchain = NanoClrToolchain.Find();
        if (toolchain == null)
        {
            why = NanoClrToolchain.Missing;
        }
        else
        {
            string[] sources = Directory.GetFiles(SpeedBench.Source("Interpreter"), "*.cs")
                .Where(f => Path.GetFileName(f) != "NanoProgram.cs")
                .Concat(Directory.GetFiles(SpeedBench.Source(Path.Combine("Interpreter", "Flows")), "*.cs"))
                .ToArray();
            nano = SpeedBench.OnNanoClr(toolchain, "EdgeFlows", sources, out why);
            ring = RingOnBoard(toolchain, out ringWhy);
        }

        double factor = double.NaN;
        if (nano != null && nano.TryGetValue("calibrate-native-call", out double plain) && nano.TryGetValue("calibrate-locked-call", out double locked))
        {
            (double toggle, double write) = BoardEstimate.Factors(plain / Calibration.Rounds, locked / Calibration.Rounds);
            factor = (toggle + write) / 2;
        }

        Console.WriteLine("flows: a pod's 64-byte UDP datagram through one board; on: recording flow events (the default ring of 256), off: the same board not");
        Console.WriteLine("recording (its writers hold no ring), none: a board made with FlowEvents = 0 (Node.Flows null). on/off and none/off: over off, in the same run.");
        Console.WriteLine("first: to a ClusterIP from a fresh source port (new conntrack entry, DNAT, a service-pick event; the step then removes the entry, off and on alike);");
        Console.WriteLine("established: the same connection every packet; rejected: a service with no endpoint (no-endpoint drop; ICMP errors past 10/s suppressed);");
        Console.WriteLine("denied: to a pod a default-deny ingress policy isolates (the bridge's forward hook: its policy-denied verdict, one event).");
        Console.WriteLine();
        Console.WriteLine($"{"packet",-12} {"events",6} {"CoreCLR off",11} {"on",9} {"on/off",6} {"none/off",8} {"nanoCLR off",11} {"on",9} {"on/off",6} {"none/off",8} {"nanoCLR +",9} {"ESP32 +",9} {"allocated (off, on)",19}");
        foreach (int kind in Kinds)
        {
            string name = FlowBoard.KindName(kind);
            string off = $"flows-{name}-off", on = $"flows-{name}-on", none = $"flows-{name}-none";
            double nanoOff = Get(nano, off), nanoOn = Get(nano, on);
            string board = double.IsNaN(factor) || double.IsNaN(nanoOn) ? "-" : Time((nanoOn - nanoOff) * factor);
            Console.WriteLine($"{name,-12} {FlowBoard.EventsPerPacket(kind),6} {Time(core[off]),11} {Time(core[on]),9} {Ratio(core, on, off),6} {Ratio(core, none, off),8} {Time(nanoOff),11} {Time(nanoOn),9} {Ratio(nano, on, off),6} {Ratio(nano, none, off),8} " +
                $"{Time(nanoOn - nanoOff),9} {board,9} {$"{allocated[off]:F0} B, {allocated[on]:F0} B",19}");
        }

        Console.WriteLine();
        Console.WriteLine("one event recorded alone, in a ring of 256:");
        foreach (string name in new[] { "flows-record-pick", "flows-record-drop" })
        {
            double x = Get(nano, name);
            string board = double.IsNaN(factor) || double.IsNaN(x) ? "-" : Time(x * factor);
            Console.WriteLine($"  {name,-20} CoreCLR {Time(core[name]),8}  nanoCLR x64 {Time(x),8}  ESP32 (est.) {board,8}  allocated {allocated[name]:F0} B");
        }

        Console.WriteLine();
        Memory(ring, ringWhy);
        Console.WriteLine();
        Console.WriteLine(nano != null
            ? $"ESP32 estimate: nanoCLR x64's time x {factor:F0} (the speed bench's calibration loops; see tests/bench/BoardEstimate.cs)"
            : $"nanoCLR: not run ({why})");
        return nano != null ? 0 : 1;
    }

    // Bytes CoreCLR allocates per step once warmed up: the least of three stretches of 10,000
    // steps (a collection another thread starts can charge this one once; see tests/Edge.Dataplane.Tests/Allocations.cs).

    // Bytes per event and a ring's whole: priced by the census, and measured on nanoCLR x86.
    private static void Memory((long Wroom, long Default)? ring, string? why)
    {
        const int N = 256;
        var clock = new ManualClock();
        double perEvent = (double)(Census(new FlowLog(2 * N, clock), clock) - Census(new FlowLog(N, clock), clock)) / N;
        var wroom = new NodeConfig();
        MemoryClass.Apply(MemoryClass.Wroom, wroom);
        int defaults = new NodeConfig().FlowEvents;
        long wroomRing = Census(new FlowLog(wroom.FlowEvents, clock), clock);
        long defaultRing = Census(new FlowLog(defaults, clock), clock);
        Console.WriteLine($"memory (board: NanoHeapCensus, nanoFramework's heap layout; nanoCLR x86: free heap after a collection, before and after the ring is made)");
        Console.WriteLine($"  per event ({FlowLog.Words} words; a ring of {2 * N} over one of {N}): board {perEvent:F1} B");
        Console.WriteLine($"  {MemoryClass.Name(MemoryClass.Wroom)} ring ({wroom.FlowEvents} events, the FlowLog and its array): board {wroomRing:N0} B, nanoCLR x86 {(ring == null ? "-" : $"{ring.Value.Wroom:N0} B")}");
        Console.WriteLine($"  default ring ({defaults} events): board {defaultRing:N0} B, nanoCLR x86 {(ring == null ? "-" : $"{ring.Value.Default:N0} B")}");
        if (ring == null)
        {
            Console.WriteLine($"  nanoCLR x86: not measured ({why})");
        }
    }

    // The FlowLog and its array; the clock is the node's (counted once, elsewhere), so counted apart.
    private static long Census(FlowLog flows, ManualClock clock)
    {
        var census = new NanoHeapCensus();
        census.Add("clock", clock);
        return census.Add("flows", flows);
    }

    // Interpreter/Flows/Ring/FlowRingProbe.cs on the 32-bit interpreter (a board's heap blocks), with Net's assembly alone.
    private static (long Wroom, long Default)? RingOnBoard(NanoClrToolchain toolchain, out string? why)
    {
        string work = Directory.CreateTempSubdirectory("edge-flow-ring-").FullName;
        try
        {
            string net = NanoClrToolchain.Build("Edge.Dataplane.Net.dll");
            string runtimeNative = toolchain.Library(BoardBudget.RuntimeNative);
            string mscorlib = NanoClrToolchain.CoreLibrary("mscorlib.dll");
            if (!File.Exists(net))
            {
                why = $"{net} is missing: build the solution in this configuration first";
                return null;
            }

            string netPe = MetadataProcessor.Convert(toolchain, net, [mscorlib], work);
            string probe = NanoCompiler.Compile("FlowRingProbe", [Path.Combine(SpeedBench.Source(Path.Combine("Interpreter", "Flows", "Ring")), "FlowRingProbe.cs")],
                [runtimeNative, net], work, executable: true);
            string probePe = MetadataProcessor.Convert(toolchain, probe, [mscorlib, runtimeNative, net], work);
            NanoClrRun run = NanoClrProcess.Run(toolchain,
                [NanoClrToolchain.CoreLibrary("mscorlib.pe"), Path.ChangeExtension(runtimeNative, ".pe"), netPe, probePe], TimeSpan.FromMinutes(2), x86: true);
            var values = run.Program.Split('\n').Where(l => l.StartsWith("ring ", StringComparison.Ordinal))
                .Select(l => l.Trim().Split(' ')).Where(p => p.Length == 3).ToDictionary(p => p[1], p => long.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture));
            if (!values.TryGetValue("16", out long wroom) || !values.TryGetValue("256", out long full) || !values.ContainsKey("end"))
            {
                why = "the probe printed no figures:\n" + run.Tail();
                return null;
            }

            why = null;
            return (wroom, full);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            why = e.Message;
            return null;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static double Get(Dictionary<string, double>? figures, string name) =>
        figures != null && figures.TryGetValue(name, out double x) ? x : double.NaN;

    private static string Ratio(Dictionary<string, double>? figures, string name, string baseline)
    {
        double x = Get(figures, name), b = Get(figures, baseline);
        return double.IsNaN(x) || double.IsNaN(b) ? "-" : $"{x / b:F3}";
    }

    private static string Time(double us) =>
        double.IsNaN(us) ? "-" : Math.Abs(us) < 1 ? $"{us * 1000:F0} ns" : Math.Abs(us) < 10 ? $"{us:F2} µs" : Math.Abs(us) < 100 ? $"{us:F1} µs" : $"{us:F0} µs";
}
