using SharpFuzz;

namespace Edge.Fuzz;

/// <summary>
/// edge-fuzz: the fuzz targets as a program.
/// <code>
///   edge-fuzz list                       the targets and what each covers
///   edge-fuzz afl TARGET                 run under afl-fuzz (SharpFuzz's out-of-process fork server)
///   edge-fuzz replay TARGET FILE|DIR...  run inputs once each; an exception is printed with its stack (exit 1)
///   edge-fuzz seed [CORPUS]              write every target's seeds to CORPUS/TARGET/seed-NAME (default tests/fuzz/corpus)
///   edge-fuzz instrument DIR             SharpFuzz-instrument the dataplane assemblies in DIR, in place
/// </code>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "list";
        try
        {
            return command switch
            {
                "list" => List(),
                "afl" when args.Length == 2 => Afl(args[1]),
                "replay" when args.Length >= 3 => Replay(args[1], args[2..]),
                "seed" => Seed(args.Length > 1 ? args[1] : Path.Combine(FuzzFixtures.RepoRoot() ?? ".", "tests", "fuzz", "corpus")),
                "instrument" when args.Length == 2 => Instrument(args[1]),
                _ => Usage(),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: edge-fuzz list | afl TARGET | replay TARGET FILE|DIR... | seed [CORPUS] | instrument DIR");
        return 2;
    }

    private static string Known(string name) =>
        FuzzTargets.Names.Contains(name) ? name : throw new UsageException($"no target \"{name}\"; one of: {string.Join(", ", FuzzTargets.Names)}");

    private static FuzzTarget Target(string name) => FuzzTargets.Create(Known(name))!;

    private static int List()
    {
        foreach (string name in FuzzTargets.Names)
        {
            Console.WriteLine($"{name,-6} {FuzzTargets.Create(name)!.Covers}");
        }

        return 0;
    }

    private static int Afl(string name)
    {
        Known(name);
        FuzzTarget? target = null; // made in the loop: instrumented code must not run before SharpFuzz maps AFL's bitmap
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            target ??= FuzzTargets.Create(name)!;
            target.Run(memory.ToArray());
        });
        return 0;
    }

    private static int Replay(string name, string[] paths)
    {
        FuzzTarget target = Target(name);
        int failed = 0;
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
        foreach (string file in files)
        {
            byte[] input = File.ReadAllBytes(file);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                target.Run(input);
                Console.WriteLine($"ok    {clock.Elapsed.TotalMilliseconds,8:F1} ms  {file}");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"FAIL  {clock.Elapsed.TotalMilliseconds,8:F1} ms  {file}\n{e}");
            }
        }

        Console.WriteLine($"{files.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static int Seed(string corpus)
    {
        foreach (string name in FuzzTargets.Names)
        {
            FuzzTarget target = FuzzTargets.Create(name)!;
            string dir = Path.Combine(corpus, name);
            Directory.CreateDirectory(dir);
            foreach (string old in Directory.GetFiles(dir, "seed-*"))
            {
                File.Delete(old);
            }

            int count = 0;
            foreach (var (seedName, bytes) in target.Seeds())
            {
                File.WriteAllBytes(Path.Combine(dir, "seed-" + seedName), bytes);
                count++;
            }

            Console.WriteLine($"{name}: {count} seeds in {dir}");
        }

        return 0;
    }

    // Adds AFL's edge counters to every method of the dataplane's types (SharpFuzz rewrites the IL with Mono.Cecil).
    private static int Instrument(string dir)
    {
        string[] assemblies = Directory.GetFiles(dir, "Edge.Dataplane.*.dll");
        if (assemblies.Length == 0)
        {
            throw new UsageException($"no Edge.Dataplane.*.dll in {dir}");
        }

        foreach (string assembly in assemblies.Order(StringComparer.Ordinal))
        {
            var types = Fuzzer.Instrument(assembly, type => type.StartsWith("Edge.Dataplane.", StringComparison.Ordinal), Options.Value);
            Console.WriteLine($"instrumented {Path.GetFileName(assembly)}: {types.Count()} types");
        }

        return 0;
    }

    private sealed class UsageException(string message) : Exception(message);
}
