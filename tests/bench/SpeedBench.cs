using System.Globalization;
using Edge.Bench.Interpreter;
using Edge.NanoClr;

namespace Edge.Bench;

/// <summary>
/// `bench -- speed`: the board's hot paths (Interpreter/: a packet through kube-proxy, a packet
/// across two boards, a DNS answer, a 32-service snapshot applied), the same C# timed on CoreCLR
/// and on the nanoCLR interpreter in one run. The ratio is the figure to compare across machines;
/// the board estimate scales the interpreter's time by how much slower an ESP32 runs the same
/// interpreter (see <see cref="BoardEstimate"/>).
/// </summary>
public static class SpeedBench
{
    private const long TargetTicks = 5_000_000; // half a second a scenario

    public static int Run()
    {
        var core = new Dictionary<string, double>();
        var allocated = new Dictionary<string, double>();
        foreach (SpeedScenario scenario in SpeedRunner.All())
        {
            core[scenario.Name] = PerIteration(SpeedRunner.Run(scenario, TargetTicks));
            allocated[scenario.Name] = AllocatedPerStep(scenario);
        }

        Dictionary<string, double>? nano = null;
        string? why = null;
        NanoClrToolchain? toolchain = NanoClrToolchain.Find();
        if (toolchain == null)
        {
            why = NanoClrToolchain.Missing;
        }
        else
        {
            nano = OnNanoClr(toolchain, "EdgeSpeed", Directory.GetFiles(Source("Interpreter"), "*.cs"), out why);
        }

        double factor = double.NaN;
        string calibration = "";
        if (nano != null && nano.TryGetValue("calibrate-native-call", out double plain) && nano.TryGetValue("calibrate-locked-call", out double locked))
        {
            (double toggle, double write) = BoardEstimate.Factors(plain / Calibration.Rounds, locked / Calibration.Rounds);
            factor = (toggle + write) / 2;
            calibration = $"ESP32 estimate: this machine's nanoCLR time x {factor:F0} (the board's documented GPIO loops, timed here in the same shape: " +
                $"toggle {toggle:F0}x, locked write {write:F0}x; see tests/bench/BoardEstimate.cs for how, and what it assumes)";
        }

        Console.WriteLine($"{"scenario",-22} {"CoreCLR",10} {"nanoCLR x64",12} {"ratio",7} {"ESP32 (est.)",14} {"allocated",10}");
        foreach (SpeedScenario scenario in SpeedRunner.All().Where(s => s is not Calibration))
        {
            double c = core[scenario.Name];
            string n = "-", ratio = "-", board = "-";
            if (nano != null && nano.TryGetValue(scenario.Name, out double x))
            {
                n = Micros(x);
                ratio = $"{x / c:F0}x";
                board = double.IsNaN(factor) ? "-" : $"{1e6 / (x * factor):N0}/s";
            }

            Console.WriteLine($"{scenario.Name,-22} {Micros(c),10} {n,12} {ratio,7} {board,14} {allocated[scenario.Name],8:F0} B   per {scenario.Unit}");
        }

        Console.WriteLine();
        Console.WriteLine(nano != null ? calibration : $"nanoCLR: not run ({why})");
        return nano != null ? 0 : 1;
    }

    /// <summary>A folder of the bench's sources (the nanoFramework scenarios are compiled from them at run time).</summary>
    internal static string Source(string folder) => Path.Combine(AppContext.BaseDirectory, "..", "..", "..", folder);

    /// <summary>
    /// Compiles <paramref name="sources"/> (a nanoFramework program printing "speed ..." lines,
    /// with the on-device tests' simulation kit) against the dataplane's nanoFramework
    /// assemblies, converts it and runs it on nanoCLR x64; each scenario's microseconds per
    /// iteration by name (the least, when it was timed more than once), or null with <paramref name="why"/>.
    /// </summary>
    internal static Dictionary<string, double>? OnNanoClr(NanoClrToolchain toolchain, string program, IEnumerable<string> sources, out string? why)
    {
        string work = Directory.CreateTempSubdirectory("edge-speed-").FullName;
        try
        {
            string[] dataplane = ["Edge.Dataplane.Net", "Edge.Dataplane.Proxy", "Edge.Dataplane.Policy", "Edge.Dataplane.Ingress", "Edge.Dataplane.Dns", "Edge.Dataplane.Agent"];
            var dlls = dataplane.Select(a => NanoClrToolchain.Build(a + ".dll")).ToArray();
            string missing = dlls.FirstOrDefault(d => !File.Exists(d)) ?? "";
            if (missing.Length > 0)
            {
                why = $"{missing} is missing: build the solution in this configuration first";
                return null;
            }

            string[] all = sources.Concat(Directory.GetFiles(Source(Path.Combine("..", "Edge.Dataplane.NfTests", "Sim")), "*.cs")).ToArray();
            string exe = NanoCompiler.Compile(program, all, dlls, work, executable: true);
            var pes = new List<string> { NanoClrToolchain.CoreLibrary("mscorlib.pe") };
            var converted = new List<string> { NanoClrToolchain.CoreLibrary("mscorlib.dll") };
            foreach (string dll in dlls.Append(exe))
            {
                pes.Add(MetadataProcessor.Convert(toolchain, dll, converted, work));
                converted.Add(dll);
            }

            NanoClrRun run = NanoClrProcess.Run(toolchain, pes, TimeSpan.FromMinutes(5));
            var result = new Dictionary<string, double>();
            foreach (string line in run.Program.Split('\n').Where(l => l.StartsWith("speed ", StringComparison.Ordinal)))
            {
                string[] parts = line.Split(' ');
                double time = PerIteration(line);
                result[parts[1]] = result.TryGetValue(parts[1], out double before) ? Math.Min(before, time) : time; // a program may time a scenario more than once
            }

            why = result.Count == 0 ? "nanoCLR printed no figures:\n" + run.Tail() : null;
            return result.Count == 0 ? null : result;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // Bytes CoreCLR allocated per step, over a thousand steps of a scenario already warmed up:
    // what the step allocates on a board too (0 on the packet path, by the project's rule).
    internal static double AllocatedPerStep(SpeedScenario scenario)
    {
        const int Steps = 1000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Steps; i++)
        {
            scenario.Step();
        }

        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / Steps;
    }

    // "speed NAME ITERATIONS TICKS" -> microseconds per iteration; NaN for "speed NAME failed".
    internal static double PerIteration(string line)
    {
        string[] parts = line.Split(' ');
        if (parts.Length < 4)
        {
            Console.Error.WriteLine($"warning: {line}");
            return double.NaN;
        }

        return long.Parse(parts[3], CultureInfo.InvariantCulture) / 10.0 / long.Parse(parts[2], CultureInfo.InvariantCulture);
    }

    internal static string Micros(double us) => double.IsNaN(us) ? "failed" : us < 10 ? $"{us:F2} µs" : $"{us:F0} µs";
}
