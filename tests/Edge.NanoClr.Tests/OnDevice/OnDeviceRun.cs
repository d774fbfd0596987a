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

    private readonly Dictionary<string, OnDeviceResult> _results;

    private OnDeviceRun(NanoClrRun run, Dictionary<string, OnDeviceResult> results)
    {
        Run = run;
        _results = results;
    }

    public NanoClrRun Run { get; }

    public IReadOnlyDictionary<string, OnDeviceResult> Results => _results;

    public static OnDeviceRun Start(NanoClrSession session)
    {
        NanoClrToolchain toolchain = NanoClrSession.Toolchain;
        string testFramework = toolchain.Library("nanoFramework.TestFramework");
        string[] dataplane = session.Dataplane.Select(a => a.Dll).ToArray();
        string tests = NanoCompiler.Compile("NFUnitTest", OnDeviceTestNames.Sources(), dataplane.Prepend(testFramework), session.WorkDirectory);
        string testsImage = MetadataProcessor.Convert(toolchain, tests,
            new[] { NanoClrToolchain.CoreLibrary("mscorlib.dll"), testFramework }.Concat(dataplane), session.WorkDirectory);

        string[] images = session.CoreImages()
            .Append(Path.ChangeExtension(testFramework, ".pe"))
            .Append(testsImage)
            .Append(Path.ChangeExtension(toolchain.Library("nanoFramework.UnitTestLauncher"), ".pe"))
            .ToArray();
        NanoClrRun run = NanoClrProcess.Run(toolchain, images, Deadline);
        return new OnDeviceRun(run, Parse(run.Program));
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
