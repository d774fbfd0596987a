using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Edge.NanoClr;

/// <summary>
/// A board's memory measured on nanoCLR's 32-bit interpreter (under qemu-i386: 12-byte heap
/// blocks and 4-byte pointers, as on an ESP32 or STM32), from the managed heap's free bytes after
/// a collection (nanoFramework.Runtime.Native.GC.Run). Two programs run
/// (tests/Edge.NanoClr.Tests/Programs): BudgetBaseline, the empty runtime (mscorlib and
/// Runtime.Native, no dataplane), and BudgetProbe, which loads the dataplane's four assemblies
/// and brings a board of one memory class to the workshop's worst case through its management
/// session, printing the free heap at each stage. What the dataplane costs is then:
/// <list type="bullet">
/// <item>loading it: the baseline's free heap less the probe's at Main, less the difference of
/// the two programs' own runtime tables (the loader prints each assembly's, and an assembly's
/// takes its RAM figure rounded up to whole 12-byte blocks). That is the four assemblies'
/// runtime tables (type, method and field tables, cross-assembly references, static field
/// slots: the loader's "RAM") and what their static constructors make (nanoCLR runs them all
/// before Main);</item>
/// <item>the board: the heap the probe loses once its own harness is made, at the steady worst
/// case and at the peak (a state with every service changed decoded beside it), plus what the
/// board's code makes at its first use that the harness happened to make first (SHA-256's round
/// constants, made by the host's SessionAuth before the board's: the probe prints them as
/// "first-use").</item>
/// </list>
/// The total against the class's budget is the figure a board must fit.
/// </summary>
public static class BoardBudget
{
    public const int Block = 12;

    /// <summary>The dataplane's assemblies, lowest layer first (the order nanoCLR is given them).</summary>
    public static readonly string[] DataplaneAssemblies = ["Edge.Dataplane.Net", "Edge.Dataplane.Proxy", "Edge.Dataplane.Policy", "Edge.Dataplane.Ingress", "Edge.Dataplane.Dns", "Edge.Dataplane.Agent"];

    public const string RuntimeNative = "nanoFramework.Runtime.Native";

    /// <summary>Where the measuring programs are.</summary>
    public static string Programs => Path.Combine(RepositoryRoot, "tests", "Edge.NanoClr.Tests", "Programs");

    private static string RepositoryRoot =>
        typeof(BoardBudget).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>Converts the dataplane's nanoFramework build (firmware/nf-gate's output) into <paramref name="work"/>: (dll, pe) per assembly, lowest layer first.</summary>
    public static IReadOnlyList<(string Dll, string Pe)> ConvertDataplane(NanoClrToolchain toolchain, string work)
    {
        var done = new List<(string Dll, string Pe)>();
        foreach (string name in DataplaneAssemblies)
        {
            string dll = NanoClrToolchain.Build(name + ".dll");
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException($"{dll} is missing: build the solution first (dotnet build Edge.sln builds firmware/nf-gate)");
            }

            string[] references = new[] { NanoClrToolchain.CoreLibrary("mscorlib.dll") }.Concat(done.Select(a => a.Dll)).ToArray();
            done.Add((dll, MetadataProcessor.Convert(toolchain, dll, references, work)));
        }

        return done;
    }

    /// <summary>Measures each memory class (1 WROOM, 2 WROVER, 3 large) in a run of its own, two at a time.</summary>
    public static IReadOnlyList<BoardBudgetFigures> Measure(NanoClrToolchain toolchain, IReadOnlyList<(string Dll, string Pe)> dataplane, string work, IReadOnlyList<int> memoryClasses)
    {
        string runtimeNative = toolchain.Library(RuntimeNative);
        string runtimeNativePe = Path.ChangeExtension(runtimeNative, ".pe");
        string mscorlib = NanoClrToolchain.CoreLibrary("mscorlib.dll");

        string baselineDir = Directory.CreateDirectory(Path.Combine(work, "budget-baseline")).FullName;
        string baseline = NanoCompiler.Compile("BudgetBaseline", [Path.Combine(Programs, "BudgetBaseline.cs")], [runtimeNative], baselineDir, executable: true);
        string baselinePe = MetadataProcessor.Convert(toolchain, baseline, [mscorlib, runtimeNative], baselineDir);

        var probes = new List<(int MemoryClass, string Pe)>();
        foreach (int memoryClass in memoryClasses)
        {
            string dir = Directory.CreateDirectory(Path.Combine(work, "budget-class-" + memoryClass)).FullName;
            string settings = Path.Combine(dir, "BudgetProbeSettings.cs");
            File.WriteAllText(settings, "namespace Edge.NanoClr.Programs { internal static class BudgetProbeSettings { public const int MemoryClass = "
                + memoryClass.ToString(CultureInfo.InvariantCulture) + "; } }\n");
            string[] references = new[] { runtimeNative }.Concat(dataplane.Select(a => a.Dll)).ToArray();
            string probe = NanoCompiler.Compile("BudgetProbe", [Path.Combine(Programs, "BudgetProbe.cs"), settings], references, dir, executable: true);
            probes.Add((memoryClass, MetadataProcessor.Convert(toolchain, probe, new[] { mscorlib }.Concat(references), dir)));
        }

        string[] core = [NanoClrToolchain.CoreLibrary("mscorlib.pe"), runtimeNativePe];
        var runs = new NanoClrRun[probes.Count + 1];
        Parallel.For(0, runs.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            IEnumerable<string> images = i == 0
                ? core.Append(baselinePe)
                : core.Concat(dataplane.Select(a => a.Pe)).Append(probes[i - 1].Pe);
            runs[i] = NanoClrProcess.Run(toolchain, images, TimeSpan.FromMinutes(2), x86: true);
        });

        ProgramRun empty = ProgramRun.Parse(runs[0], "BudgetBaseline");
        return probes.Select((p, i) => new BoardBudgetFigures(p.MemoryClass, empty, ProgramRun.Parse(runs[i + 1], "BudgetProbe"))).ToArray();
    }

    public static long RoundUp(long bytes) => (bytes + Block - 1) / Block * Block;
}

/// <summary>What one measuring program printed: its "budget NAME VALUE" lines and the loader's RAM figure per assembly.</summary>
public sealed partial class ProgramRun
{
    private ProgramRun(NanoClrRun run, string program, Dictionary<string, string> values, Dictionary<string, int> assemblyRam)
    {
        Run = run;
        Name = program;
        Values = values;
        AssemblyRam = assemblyRam;
    }

    public NanoClrRun Run { get; }

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The loader's RAM figure of each assembly ("Assembly: NAME (version) (RAM - ROM - METADATA)").</summary>
    public IReadOnlyDictionary<string, int> AssemblyRam { get; }

    /// <summary>The program ran to its end, untroubled.</summary>
    public bool Completed => Run.Started && !Run.Crashed && !Run.TimedOut && Values.TryGetValue("end", out string? end) && end == "ok";

    public long Number(string name) =>
        Values.TryGetValue(name, out string? v) ? long.Parse(v, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{Name} printed no '{name}' figure:\n{Run.Tail(25)}");

    public static ProgramRun Parse(NanoClrRun run, string program)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in BudgetLine().Matches(run.Program))
        {
            values[m.Groups[1].Value] = m.Groups[2].Value.Trim();
        }

        var ram = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in LoaderLine().Matches(run.Output))
        {
            ram[m.Groups[1].Value] = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        return new ProgramRun(run, program, values, ram);
    }

    [GeneratedRegex(@"^budget (\S+) (.*)$", RegexOptions.Multiline)]
    private static partial Regex BudgetLine();

    [GeneratedRegex(@"Assembly: (\S+) \([^)]*\)\s+\(\s*(\d+) RAM")]
    private static partial Regex LoaderLine();
}

/// <summary>One memory class's worst case on the 32-bit interpreter, in bytes of managed heap.</summary>
public sealed class BoardBudgetFigures
{
    public BoardBudgetFigures(int memoryClass, ProgramRun empty, ProgramRun probe)
    {
        MemoryClass = memoryClass;
        Empty = empty;
        Probe = probe;
    }

    public int MemoryClass { get; }

    /// <summary>The baseline's run (the empty runtime) and the probe's.</summary>
    public ProgramRun Empty { get; }

    public ProgramRun Probe { get; }

    public bool Completed => Empty.Completed && Probe.Completed;

    public string Name => Probe.Values.GetValueOrDefault("class") ?? MemoryClass.ToString(CultureInfo.InvariantCulture);

    public long Budget => Probe.Number("budget-bytes");

    /// <summary>The probe's own tables less the baseline's: the loader's RAM of each program, in whole blocks.</summary>
    public long ProgramTables => BoardBudget.RoundUp(Probe.AssemblyRam["BudgetProbe"]) - BoardBudget.RoundUp(Empty.AssemblyRam["BudgetBaseline"]);

    /// <summary>What loading the dataplane took from the heap: its assemblies' runtime tables and statics.</summary>
    public long Load => Empty.Number("loaded") - Probe.Number("loaded") - ProgramTables;

    /// <summary>The dataplane assemblies' runtime tables as the loader counts them (each in whole blocks).</summary>
    public long AssemblyTables => BoardBudget.DataplaneAssemblies.Sum(a => BoardBudget.RoundUp(Probe.AssemblyRam[a]));

    /// <summary>The rest of <see cref="Load"/>: what the static constructors made (shared buffers, tables, empty arrays).</summary>
    public long Statics => Load - AssemblyTables;

    /// <summary>What the board holds that the harness made before "ready" (shared tables made at first use, by the host's side first): 0 when the probe does not say.</summary>
    public long FirstUse => Probe.Values.ContainsKey("first-use") ? Probe.Number("first-use") : 0;

    /// <summary>The board at its steady worst case: what the heap lost from the probe's "ready" to "board", and its first-use tables.</summary>
    public long Steady => Lost("board");

    /// <summary>
    /// The board at its peak: the steady heap, the changed state being decoded beside it, or a
    /// resync of the same state (a reconnecting control plane's: every entry reused, the services'
    /// counters kept), whichever is most.
    /// </summary>
    public long Peak => Math.Max(Lost("board"), Math.Max(Lost("peak"), Probe.Values.ContainsKey("resync-peak") ? Lost("resync-peak") : 0));

    /// <summary>The board's bytes at one of the probe's measures: the heap lost since "ready", and the first-use tables.</summary>
    public long Lost(string measure) => Probe.Number("ready") - Probe.Number(measure) + FirstUse;

    /// <summary>What the class's budget must hold: loading plus the peak.</summary>
    public long Total => Load + Peak;

    /// <summary>What the worst case's pods hold in all: their sandboxes and first containers, their sidecars and their probes (between runs).</summary>
    public long Pods => Probe.Number("pods-bytes") + Probe.Number("containers-bytes") + Probe.Number("probes-bytes");

    /// <summary>What one pod of whoami alone holds (its sandbox, container, program and log): the worst case's 8 pods' first step, over 8, rounded up.</summary>
    public long PerPod => Each("pods-bytes", 8);

    /// <summary>What a container beside a pod's first holds (a toolbox sidecar), rounded up; 0 when the class takes none.</summary>
    public long PerContainer => Each("containers-bytes", Probe.Number("sidecar-pods"));

    /// <summary>What a readiness probe holds between its runs (with a share of the prober and of the spec equal pods share), rounded up; 0 when the class takes none.</summary>
    public long PerProbe => Each("probes-bytes", Probe.Number("probed-pods"));

    private long Each(string measure, long count) => count == 0 ? 0 : (Probe.Number(measure) + count - 1) / count;

    public long Margin => Budget - Total;

    public static string KiB(long bytes) => (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB";

    /// <summary>One line of figures and one of what the board held when measured.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Name,-7} nanoCLR x86: assemblies {KiB(AssemblyTables)} (runtime tables: ");
        sb.Append(string.Join(", ", BoardBudget.DataplaneAssemblies.Select(a => $"{a["Edge.Dataplane.".Length..]} {Probe.AssemblyRam[a]:N0}")));
        sb.Append(CultureInfo.InvariantCulture, $") + statics {KiB(Statics)} + board {KiB(Steady)} steady, {KiB(Peak)} at the peak = {KiB(Total)} ({Total:N0} bytes) of {KiB(Budget)}: margin {KiB(Margin)} ({Margin:N0} bytes)");
        sb.Append(CultureInfo.InvariantCulture, $" ({(double)Total / Budget:F2} of the budget)");
        sb.AppendLine();
        sb.Append(CultureInfo.InvariantCulture, $"{Name,-7} held when measured: {Value("pods")} pods running ({Value("pods-logged")} with log lines, {Value("http-served")} HTTP requests served between them), ");
        sb.Append(CultureInfo.InvariantCulture, $"{Value("containers")} containers ({Value("sidecar-pods")} pods with a toolbox beside whoami, {Value("containers-ready")} ready), {Value("probes")} readiness probes (run {Value("probes-run")} times, {Value("probes-failed")} failed; measured between runs), ");
        sb.Append(CultureInfo.InvariantCulture, $"{Value("services")} services with {Value("endpoints")} endpoints ({Value("services-connected")} having taken connections), conntrack {Value("conntrack")}/{Value("conntrack-capacity")}, {Value("policies")} network policies ({Value("policy-connections")} connections remembered), ");
        sb.Append(CultureInfo.InvariantCulture, $"management session authenticated: {Value("authenticated")} (SHA-256 tables {FirstUse:N0} bytes), another connection waiting to prove the key at the peak: {Value("candidate-pending")}; ");
        sb.Append(CultureInfo.InvariantCulture, $"snapshot {Value("snapshot")} bytes framed in {Value("snapshot-parts")} parts; peak {KiB(Lost("peak-at-last-service"))} as the changed state's last service arrives, {(Value("snapshot-parts") is "0" or "1" ? "no other part to wait between" : KiB(Lost("peak-between-parts")) + " between its parts")}, {KiB(Lost("peak-decoded"))} once decoded, {KiB(Lost("after"))} once applied; a resync of the same state {KiB(Lost("resync-peak"))} at its peak");
        sb.AppendLine();
        sb.Append(CultureInfo.InvariantCulture, $"{Name,-7} the pods' {Pods:N0} bytes: a pod of whoami alone {PerPod:N0} bytes (its sandbox, container, program and log), a toolbox sidecar {PerContainer:N0}, a readiness probe {PerProbe:N0} between its runs; a probe in flight {Probe.Number("probe-in-flight"):N0} more while it runs (its two connection ends, as any connection while open)");
        return sb.ToString();
    }

    private string Value(string name) => Probe.Values.GetValueOrDefault(name) ?? "?";
}
