namespace Edge.Cli.Tests.Lab;

/// <summary>
/// Two labs on one machine: a second `lab up` on addresses the first one's boards hold fails at
/// once, naming the process that holds them, instead of starting boards that die and adopting
/// the other lab's (which then had two control planes fighting over them).
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class TakenAddressEndToEndTests : IDisposable
{
    private const string Address = "127.0.10.171";
    private readonly string _homeA = Directory.CreateTempSubdirectory("edge-lab-a-").FullName;
    private readonly string _homeB = Directory.CreateTempSubdirectory("edge-lab-b-").FullName;
    private readonly EdgectlProcess _a;
    private readonly EdgectlProcess _b;

    public TakenAddressEndToEndTests()
    {
        _a = new EdgectlProcess(_homeA, "first");
        _b = new EdgectlProcess(_homeB, "second");
    }

    public void Dispose()
    {
        _b.Run("lab", "down", "--purge");
        _a.Run("lab", "down", "--purge");
        Directory.Delete(_homeA, recursive: true);
        Directory.Delete(_homeB, recursive: true);
    }

    [Fact]
    public void A_second_lab_on_the_first_ones_addresses_fails_and_names_who_holds_them()
    {
        CliRun first = _a.Run("lab", "up", "--nodes", "1", "--first-address", Address);
        Assert.True(first.ExitCode == 0, first.Out + first.Err);

        CliRun second = _b.Run("lab", "up", "--nodes", "1", "--first-address", Address);
        Assert.Equal(1, second.ExitCode);
        Assert.StartsWith($"error: cannot start node-1: {Address}:7900 (TCP) is taken by pid ", second.Err);
        Assert.Contains($"vboard --name node-1 --address {Address} --log {_homeA}", second.Err);
        Assert.Contains("--first-address", second.Err);
        Assert.DoesNotContain("Ready", second.Out);

        // The first lab keeps its board, and its board its control plane.
        Assert.Matches(@"(?m)^node-1\s+Ready\s", _a.Run("get", "nodes").Out);
        string log = File.ReadAllText(Path.Combine(_homeA, "labs", "first", "node-1.log"));
        Assert.Equal(1, log.Split('\n').Count(l => l == "control plane connected (proved cluster \"first\"'s key)"));
    }
}
