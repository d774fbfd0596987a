using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Edge.Bench;

/// <summary>
/// Whether the test suite is flaky: it runs the README's test command once on a quiet machine
/// (the baseline), then again and again while `stress-ng --cpu N` keeps every core busy, and
/// reports each run's counts and time (against the baseline) and every test that failed, by
/// name. A test that fails only under load waits for something with a fixed sleep or too short
/// a deadline: that is a bug.
/// </summary>
public static partial class SuiteUnderLoad
{
    public static int Run(int runs)
    {
        if (!OnPath("stress-ng"))
        {
            Console.Error.WriteLine("error: stress-ng is not installed: apt-get install stress-ng");
            return 1;
        }

        string root = Repo.Root();
        Console.WriteLine("building once: dotnet build Edge.sln");
        if (Exec("dotnet", ["build", "Edge.sln", "-v", "q"], root).ExitCode != 0)
        {
            Console.Error.WriteLine("error: the build failed");
            return 1;
        }

        (TestRun quiet, TimeSpan quietTime) = Timed(() => TestOnce(root));
        Console.WriteLine($"quiet:     {quiet.Passed} passed, {quiet.Failed} failed, {quiet.Skipped} skipped in {quietTime.TotalSeconds:0} s");
        var failures = new Dictionary<string, int>();
        foreach (string name in quiet.FailedNames)
        {
            Console.WriteLine($"  failed on the quiet machine: {name}");
        }

        int cores = Environment.ProcessorCount;
        using Process stress = Process.Start(new ProcessStartInfo("stress-ng", ["--cpu", cores.ToString(), "--quiet"]) { UseShellExecute = false })!;
        int clean = 0;
        try
        {
            for (int run = 1; run <= runs; run++)
            {
                (TestRun loaded, TimeSpan time) = Timed(() => TestOnce(root));
                clean += loaded.Failed == 0 ? 1 : 0;
                foreach (string name in loaded.FailedNames)
                {
                    failures[name] = failures.GetValueOrDefault(name) + 1;
                }

                Console.WriteLine($"loaded {run}/{runs}: {loaded.Passed} passed, {loaded.Failed} failed, {loaded.Skipped} skipped in {time.TotalSeconds:0} s ({time / quietTime:0.0}x the quiet run)");
            }
        }
        finally
        {
            stress.Kill(entireProcessTree: true);
            stress.WaitForExit();
        }

        Console.WriteLine();
        Console.WriteLine($"{clean} of {runs} runs with stress-ng --cpu {cores} passed every test");
        foreach ((string name, int count) in failures.OrderByDescending(f => f.Value))
        {
            Console.WriteLine($"  failed {count} of {runs}: {name}");
        }

        return failures.Count == 0 && quiet.Failed == 0 ? 0 : 1;
    }

    private sealed record TestRun(int Passed, int Failed, int Skipped, List<string> FailedNames);

    private static TestRun TestOnce(string root)
    {
        // The README's test command, as CI runs it: interop prerequisites missing are failures.
        (int _, string output) = Exec("dotnet", ["test", "Edge.sln", "--no-build"], root, ("CI", "true"));
        int passed = 0, failed = 0, skipped = 0;
        foreach (Match m in Summary().Matches(output))
        {
            failed += int.Parse(m.Groups[1].Value);
            passed += int.Parse(m.Groups[2].Value);
            skipped += int.Parse(m.Groups[3].Value);
        }

        var names = FailedTest().Matches(output).Select(m => m.Groups[1].Value.Trim()).Distinct().ToList();
        return new TestRun(passed, failed, skipped, names);
    }

    [GeneratedRegex(@"Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+)")]
    private static partial Regex Summary();

    [GeneratedRegex(@"(?m)^\s+Failed (\S.*?) \[")]
    private static partial Regex FailedTest();

    private static (T, TimeSpan) Timed<T>(Func<T> work)
    {
        var clock = Stopwatch.StartNew();
        T result = work();
        return (result, clock.Elapsed);
    }

    private static (int ExitCode, string Output) Exec(string file, string[] args, string directory, params (string Key, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));

}
