using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// A test that runs a lab of its own as a user would: a private EDGE_HOME, edgectl as its own
/// process, and the lab stopped and forgotten afterwards, also when the test fails.
/// </summary>
public abstract class LabTest : IDisposable
{
    protected LabTest(string lab)
    {
        Home = Directory.CreateTempSubdirectory($"edge-{lab}-").FullName;
        Edgectl = new EdgectlProcess(Home, lab);
    }

    protected string Home { get; }

    protected EdgectlProcess Edgectl { get; }

    public void Dispose()
    {
        Edgectl.Run("lab", "down", "--purge");
        Directory.Delete(Home, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>`edgectl get ARGS -o json`, which must succeed.</summary>
    protected JsonNode Get(params string[] args)
    {
        CliRun run = Edgectl.Run(["get", .. args, "-o", "json"]);
        Assert.True(run.ExitCode == 0, run.Err);
        return JsonNode.Parse(run.Out)!;
    }

    /// <summary>`edgectl apply -f FILE`, which must succeed.</summary>
    protected void Apply(string file)
    {
        CliRun apply = Edgectl.Run("apply", "-f", file);
        Assert.True(apply.ExitCode == 0, apply.Out + apply.Err);
    }

    /// <summary>Polls until the condition holds; fails the test past the deadline.</summary>
    protected static void WaitFor(Func<bool> condition, string what, int seconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), "timed out waiting for " + what);
            Thread.Sleep(250);
        }
    }
}
