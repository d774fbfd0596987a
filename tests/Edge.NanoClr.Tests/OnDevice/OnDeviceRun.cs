using Edge.NanoClr;

namespace Edge.NanoClr.Tests.OnDevice;

/// <summary>
/// The on-device tests (tests/Edge.Dataplane.NfTests, nanoFramework.TestFramework) compiled
/// against the real TestFramework and the dataplane's nanoFramework assemblies, converted, and
/// run once on nanoCLR by the framework's own UnitTestLauncher, which prints a line per test:
/// <c>Test passed,NAME,TICKS</c>, <c>Test failed,NAME,MESSAGE</c> or <c>Test skipped,NAME,MESSAGE</c>
/// (NAME is namespace.class.method.row), each after whatever the test wrote.
/// </summary>
public sealed class OnDeviceRun
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    // One nanoFramework assembly's string table holds 64 KiB (its offsets are 16-bit), and the
    // tests' names and messages fill it: they are compiled in parts of about this much source,
    // each its own NFUnitTest (the launcher loads the assembly of that name) run on its own.
    private const long PartSourceBytes = 90_000;

    private readonly Dictionary<string, OnDeviceResult> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NanoClrRun> _runOf = new(StringComparer.Ordinal);
    private readonly List<NanoClrRun> _runs = [];

    public IReadOnlyDictionary<string, OnDeviceResult> Results => _results;

    /// <summary>The nanoCLR runs, one a part.</summary>
    public IReadOnlyList<NanoClrRun> Runs => _runs;

    /// <summary>The nanoCLR run that ran (or should have run) the test.</summary>
    public NanoClrRun RunOf(string test) => _runOf.TryGetValue(test, out NanoClrRun? run) ? run : _runs[0];

    public static OnDeviceRun Start(NanoClrSession session)
    {
        NanoClrToolchain toolchain = NanoClrSession.Toolchain;
        string testFramework = toolchain.Library("nanoFramework.TestFramework");
        string[] dataplane = session.Dataplane.Select(a => a.Dll).ToArray();
        string[] references = new[] { NanoClrToolchain.CoreLibrary("mscorlib.dll"), testFramework }.Concat(dataplane).ToArray();

        // What the tests share (the simulation, golden frames) is an assembly of its own.
        string shared = NanoCompiler.Compile("Edge.NfTests.Shared", OnDeviceTestNames.Sources().Where(OnDeviceTestNames.IsShared), dataplane.Prepend(testFramework), session.WorkDirectory);
        string sharedImage = MetadataProcessor.Convert(toolchain, shared, references, session.WorkDirectory);

        var all = new OnDeviceRun();
        int part = 0;
        foreach (string[] files in Parts(OnDeviceTestNames.Sources().Where(f => !OnDeviceTestNames.IsShared(f))))
        {
            string directory = Directory.CreateDirectory(Path.Combine(session.WorkDirectory, "part-" + part++)).FullName;
            string tests = NanoCompiler.Compile("NFUnitTest", files, dataplane.Prepend(testFramework).Append(shared), directory);
            string testsImage = MetadataProcessor.Convert(toolchain, tests, references.Append(shared), directory);
            string[] images = session.CoreImages()
                .Append(Path.ChangeExtension(testFramework, ".pe"))
                .Append(sharedImage)
                .Append(testsImage)
                .Append(Path.ChangeExtension(toolchain.Library("nanoFramework.UnitTestLauncher"), ".pe"))
                .ToArray();
            NanoClrRun run = NanoClrProcess.Run(toolchain, images, Deadline);
            all._runs.Add(run);
            foreach (string name in OnDeviceTestNames.In(files))
            {
                all._runOf[name] = run;
            }

            foreach ((string name, OnDeviceResult result) in Parse(run.Program))
            {
                all._results[name] = result;
            }
        }

        return all;
    }

    // The test sources in order, cut into parts of about PartSourceBytes each.
    private static IEnumerable<string[]> Parts(IEnumerable<string> files)
    {
        var part = new List<string>();
        long bytes = 0;
        foreach (string file in files)
        {
            long size = new FileInfo(file).Length;
            if (part.Count > 0 && bytes + size > PartSourceBytes)
            {
                yield return part.ToArray();
                part.Clear();
                bytes = 0;
            }

            part.Add(file);
            bytes += size;
        }

        if (part.Count > 0)
        {
            yield return part.ToArray();
        }
    }

    private static Dictionary<string, OnDeviceResult> Parse(string program)
    {
        var results = new Dictionary<string, OnDeviceResult>(StringComparer.Ordinal);
        var written = new List<string>();
        foreach (string line in program.Split('\n'))
        {
            OnDeviceOutcome? outcome = line.StartsWith("Test passed,", StringComparison.Ordinal) ? OnDeviceOutcome.Passed
                : line.StartsWith("Test failed,", StringComparison.Ordinal) ? OnDeviceOutcome.Failed
                : line.StartsWith("Test skipped,", StringComparison.Ordinal) ? OnDeviceOutcome.Skipped
                : null;
            if (outcome == null)
            {
                if (line.Length > 0 && line != "Done." && line != "Exiting.")
                {
                    written.Add(line);
                }

                continue;
            }

            string[] parts = line.Split(',', 3);
            string name = parts.Length > 1 ? parts[1] : "";
            string detail = parts.Length > 2 ? parts[2] : "";
            results[name] = new OnDeviceResult(outcome.Value, detail, string.Join('\n', written));
            written.Clear();
        }

        return results;
    }
}

public enum OnDeviceOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>A test's line from the launcher: for a pass its ticks (100 ns), otherwise its message; and what it wrote before.</summary>
public sealed record OnDeviceResult(OnDeviceOutcome Outcome, string Detail, string Output);
