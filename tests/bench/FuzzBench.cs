using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Edge.Bench;

/// <summary>
/// Coverage-guided fuzzing of the dataplane's parsers with AFL++ (Debian's afl++) through
/// SharpFuzz: publishes tests/fuzz (edge-fuzz, the harnesses), instruments the dataplane
/// assemblies of that copy with AFL's edge counters, then runs afl-fuzz on each target from
/// its corpus (tests/fuzz/corpus/TARGET) until it has run the inputs asked for (ten million by
/// default, the issue's figure) or the time given, and reports afl-fuzz's own figures.
/// Crashes and hangs are copied to tests/fuzz/corpus/crashes/ with the command that replays
/// them; --merge adds what AFL++ found (minimized by afl-cmin, smallest first) to the corpus.
/// <code>
///   fuzz [TARGET...] [--execs N] [--seconds S] [--merge] [--keep N]
/// </code>
/// </summary>
public static class FuzzBench
{
    private static readonly string[] Targets = ["wire", "dns", "mgmt", "codec", "http", "node", "handshake", "ingress"];
    private static readonly string[] BoardTargets = ["mgmt", "http", "node", "handshake", "ingress"];
    private const long TenMillion = 10_000_000;

    public static int Run(string[] args)
    {
        var targets = new List<string>();
        long execs = TenMillion;
        int seconds = 0;
        int keep = 30;
        bool merge = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--execs" when i + 1 < args.Length: execs = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seconds" when i + 1 < args.Length: seconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--keep" when i + 1 < args.Length: keep = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--merge": merge = true; break;
                case string t when Targets.Contains(t): targets.Add(t); break;
                default:
                    Console.Error.WriteLine($"error: unknown argument {args[i]}; usage: fuzz [{string.Join('|', Targets)}]... [--execs N] [--seconds S] [--merge] [--keep N]");
                    return 2;
            }
        }

        if (targets.Count == 0)
        {
            targets.AddRange(Targets);
        }

        if (!OnPath("afl-fuzz") || !OnPath("afl-cmin"))
        {
            Console.Error.WriteLine("error: afl-fuzz is not installed: apt-get install afl++ (Debian's AFL++ 4.04c)");
            return 1;
        }

        string root = Repo.Root();
        string work = Path.Combine(root, "artifacts", "fuzz");
        string bin = Path.Combine(work, "bin");
        string program = Path.Combine(bin, "edge-fuzz.dll");
        if (Directory.Exists(bin))
        {
            Directory.Delete(bin, recursive: true); // a fresh copy: SharpFuzz instruments in place, once
        }

        Console.WriteLine("publishing tests/fuzz and instrumenting the dataplane assemblies (SharpFuzz)");
        if (Exec("dotnet", ["publish", "tests/fuzz/Edge.Fuzz.csproj", "-c", "Release", "-o", bin, "-v", "q"], root).ExitCode != 0
            || Exec("dotnet", [program, "instrument", bin], root).ExitCode != 0)
        {
            Console.Error.WriteLine("error: could not build or instrument edge-fuzz");
            return 1;
        }

        Console.WriteLine($"{"target",-10}{"execs",14}{"execs/s",10}{"time",8}{"paths",7}{"edges",8}{"stability",10}{"crashes",8}{"hangs",6}{"merged",7}");
        int findings = 0;
        foreach (string target in targets)
        {
            Stats stats = Fuzz(root, work, program, target, execs, seconds);
            int merged = merge ? Merge(root, work, program, target, keep) : 0; // the queue holds no crashing input
            Console.WriteLine($"{target,-10}{stats.Execs,14:N0}{stats.ExecsPerSecond,10:N0}{stats.Seconds,7}s{stats.Paths,7}{stats.Edges,8}{stats.Stability,10}{stats.Crashes,8}{stats.Hangs,6}{merged,7}");
            findings += stats.Crashes + stats.Hangs;
            foreach (string saved in SaveFindings(root, work, target))
            {
                Console.WriteLine($"  finding: {saved}\n    replay: dotnet run -c Release --project tests/fuzz -- replay {target} {saved}");
            }
        }

        Console.WriteLine(findings == 0 ? "no crashes, no hangs" : $"{findings} crashes and hangs: see tests/fuzz/corpus/crashes/");
        return findings == 0 ? 0 : 1;
    }

    private sealed record Stats(long Execs, double ExecsPerSecond, long Seconds, int Paths, string Edges, string Stability, int Crashes, int Hangs);

    private static Stats Fuzz(string root, string work, string program, string target, long execs, int seconds)
    {
        string output = Path.Combine(work, "out", target);
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        Directory.CreateDirectory(output);
        // -t: an input running longer is a hang (every corpus input takes under 20 ms); -E/-V: stop after so many inputs or seconds.
        var args = new List<string>
        {
            "-i", Path.Combine(root, "tests", "fuzz", "corpus", target), "-o", output, "-m", "none",
            "-t", BoardTargets.Contains(target) ? "2000" : "1000", "-E", execs.ToString(CultureInfo.InvariantCulture),
        };
        if (seconds > 0)
        {
            args.AddRange(["-V", seconds.ToString(CultureInfo.InvariantCulture)]);
        }

        args.AddRange(["--", Dotnet, program, "afl", target]);
        (int code, string log) = Exec("afl-fuzz", [.. args], root, AflEnvironment);
        File.WriteAllText(Path.Combine(work, "out", target + ".log"), log);
        string statsFile = Path.Combine(output, "default", "fuzzer_stats");
        if (code != 0 || !File.Exists(statsFile))
        {
            Console.Error.WriteLine($"error: afl-fuzz {target} exited with {code}; its log: {Path.Combine(work, "out", target + ".log")}");
            return new Stats(0, 0, 0, 0, "-", "-", 0, 0);
        }

        var stats = File.ReadAllLines(statsFile).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        string Get(string key) => stats.GetValueOrDefault(key, "0");
        return new Stats(long.Parse(Get("execs_done"), CultureInfo.InvariantCulture), double.Parse(Get("execs_per_sec"), CultureInfo.InvariantCulture),
            long.Parse(Get("run_time"), CultureInfo.InvariantCulture), int.Parse(Get("corpus_count"), CultureInfo.InvariantCulture),
            Get("bitmap_cvg"), Get("stability"), int.Parse(Get("saved_crashes"), CultureInfo.InvariantCulture), int.Parse(Get("saved_hangs"), CultureInfo.InvariantCulture));
    }

    // The .NET host is not AFL-instrumented (SharpFuzz instruments the assemblies), so the binary check is skipped.
    private static readonly (string, string)[] AflEnvironment =
    [
        ("AFL_SKIP_BIN_CHECK", "1"), ("AFL_NO_UI", "1"), ("AFL_SKIP_CPUFREQ", "1"),
        ("AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES", "1"), ("AFL_FORKSRV_INIT_TMOUT", "30000"),
    ];

    // Crashes and hangs into tests/fuzz/corpus/crashes/TARGET-KIND-HASH (outside the folders afl-fuzz and the replay test read).
    private static List<string> SaveFindings(string root, string work, string target)
    {
        var saved = new List<string>();
        string crashes = Path.Combine(root, "tests", "fuzz", "corpus", "crashes");
        foreach ((string folder, string kind) in new[] { ("crashes", "crash"), ("hangs", "hang") })
        {
            string dir = Path.Combine(work, "out", target, "default", folder);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (string file in Directory.GetFiles(dir, "id:*"))
            {
                Directory.CreateDirectory(crashes);
                string name = $"{target}-{kind}-{Hash(File.ReadAllBytes(file))}";
                File.Copy(file, Path.Combine(crashes, name), overwrite: true);
                saved.Add(Path.GetRelativePath(root, Path.Combine(crashes, name)));
            }
        }

        return saved;
    }

    // afl-cmin over what afl-fuzz kept, then the smallest inputs the corpus lacks, up to `keep`, named afl-HASH.
    private static int Merge(string root, string work, string program, string target, int keep)
    {
        string queue = Path.Combine(work, "out", target, "default", "queue");
        string minimized = Path.Combine(work, "out", target + "-cmin");
        if (Directory.Exists(minimized))
        {
            Directory.Delete(minimized, recursive: true);
        }

        (int code, string log) = Exec("afl-cmin", ["-i", queue, "-o", minimized, "-m", "none", "-t", "5000", "--", Dotnet, program, "afl", target], root, AflEnvironment);
        File.WriteAllText(Path.Combine(work, "out", target + "-cmin.log"), log);
        if (code != 0 || !Directory.Exists(minimized))
        {
            Console.Error.WriteLine($"warning: afl-cmin {target} exited with {code}; nothing merged");
            return 0;
        }

        string corpus = Path.Combine(root, "tests", "fuzz", "corpus", target);
        var known = Directory.GetFiles(corpus).Select(f => Hash(File.ReadAllBytes(f))).ToHashSet();
        int merged = 0;
        foreach (FileInfo file in new DirectoryInfo(minimized).GetFiles().Where(f => f.Length <= 4096).OrderBy(f => f.Length).ThenBy(f => f.Name, StringComparer.Ordinal))
        {
            byte[] input = File.ReadAllBytes(file.FullName);
            string hash = Hash(input);
            if (merged < keep && known.Add(hash))
            {
                File.WriteAllBytes(Path.Combine(corpus, "afl-" + hash), input);
                merged++;
            }
        }

        return merged;
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes))[..12];

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

    private static bool OnPath(string tool) => Which(tool) != null;

    private static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);

    // afl-cmin wants the target by its path.
    private static string Dotnet => Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : Which("dotnet") ?? "dotnet";
}
