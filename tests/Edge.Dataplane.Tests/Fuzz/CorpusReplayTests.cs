using System.Diagnostics;
using Edge.Fuzz;

namespace Edge.Dataplane.Tests.Fuzz;

/// <summary>
/// The short bounded pass CI makes over the fuzz corpus (tests/fuzz/corpus/TARGET: the seeds and
/// the inputs AFL++ found; see tests/bench/README.md, Fuzzing): every file, and every seed the
/// target defines, through its harness, each within a deadline. An exception, a broken harness
/// invariant or an input still running at its deadline fails the test and names the file.
/// Inputs that still crash the firmware wait in tests/fuzz/corpus/crashes/, not here.
/// </summary>
public sealed class CorpusReplayTests
{
    // Generous for a loaded two-core CI machine: inputs take well under 20 ms (the first one JIT-compiles its target).
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private static readonly string[] Parsers = ["wire", "dns", "codec"];
    private static readonly string[] Boards = ["mgmt", "http", "node", "handshake", "ingress"];

    public static TheoryData<string> ParserTargets => new(Parsers);

    public static TheoryData<string> BoardTargets => new(Boards);

    [Theory]
    [Trait("Category", Category.Unit)]
    [MemberData(nameof(ParserTargets))]
    public void A_parser_returns_for_every_corpus_input(string target) => Replay(target);

    [Theory]
    [Trait("Category", Category.Simulation)]
    [MemberData(nameof(BoardTargets))]
    public void A_running_board_takes_every_corpus_input(string target) => Replay(target);

    [Fact]
    [Trait("Category", Category.Unit)]
    public void Every_target_has_a_corpus_the_replay_runs()
    {
        Assert.Equal(FuzzTargets.Names.Order(), Parsers.Concat(Boards).Order());
        foreach (string name in FuzzTargets.Names)
        {
            Assert.Equal(name, FuzzTargets.Create(name)!.Name);
            Assert.True(Corpus(name).Count >= 10, $"tests/fuzz/corpus/{name} holds fewer than 10 inputs: run `edge-fuzz seed` (tests/fuzz/README.md)");
        }
    }

    private static List<(string Name, byte[] Input)> Corpus(string target)
    {
        string? dir = FuzzFixtures.RepoFile(Path.Combine("tests", "fuzz", "corpus", target));
        Assert.True(dir != null, $"no tests/fuzz/corpus/{target} in the repository");
        return Directory.GetFiles(dir!).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
    }

    private static void Replay(string name)
    {
        FuzzTarget target = FuzzTargets.Create(name)!;
        var inputs = Corpus(name);
        inputs.AddRange(target.Seeds().Select(s => ("(seed) " + s.Key, s.Value)));
        var clock = Stopwatch.StartNew();
        foreach (var (file, input) in inputs)
        {
            // On a thread of its own, so an input that never returns fails at the deadline instead of hanging the run.
            Task run = Task.Factory.StartNew(() => target.Run(input), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            bool finished;
            try
            {
                finished = run.Wait(Deadline);
            }
            catch (AggregateException e)
            {
                Assert.Fail($"{name}/{file}: {e.InnerException}\nreplay it with: dotnet run -c Release --project tests/fuzz -- replay {name} tests/fuzz/corpus/{name}/{file}");
                return;
            }

            // The target is left to the stuck thread: no further input can use it.
            Assert.True(finished, $"{name}/{file}: still running after {Deadline.TotalSeconds} s (a hang)");
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{inputs.Count} inputs took {clock.Elapsed.TotalSeconds:F1} s: keep the corpus small");
    }
}
