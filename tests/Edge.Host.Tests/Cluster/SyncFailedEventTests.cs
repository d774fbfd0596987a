using Edge.Host.Tests.Trust;
using System.Text.Json.Nodes;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;
using Edge.Host.Cluster;
using Edge.Host.Controllers;
using Edge.Host.Objects;
using Edge.Host.Store;
using Edge.VirtualBoard;

namespace Edge.Host.Tests.Cluster;

/// <summary>
/// A board that cannot take its tables (a pod whose args are longer than a WROOM board's frame: a
/// state crosses in parts, but each of its strings in one) says so where an attendee looks: a
/// Warning on its node, once however often the control plane retries, until a sync succeeds.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class SyncFailedEventTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-syncfail-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private AgentBoard _board = null!;
    private Thread _loop = null!;
    private ObjectStore _store = null!;
    private ControlPlane _controlPlane = null!;

    public Task InitializeAsync()
    {
        Ipv4Address.TryParse("127.0.10.114", out uint address);
        var flash = new MemoryStorage();
        new BoardSettings { Profile = "wt32-eth01", Cluster = TestCluster.Key.Cluster, Key = TestCluster.Key.Key }.Save(flash); // a WROOM board: 4 KiB frames
        _board = new AgentBoard("node-1", address, mgmtPort: 7914, storage: flash);
        _loop = new Thread(() => _board.Run(_stop.Token)) { IsBackground = true };
        _loop.Start();
        _store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
        _controlPlane = new ControlPlane(_store, new ControlPlaneOptions { Tick = TimeSpan.FromMilliseconds(100), RetryAfter = TimeSpan.FromMilliseconds(200), ClusterKey = TestCluster.Key });
        _controlPlane.Start([BoardLink.Parse("tcp://127.0.10.114:7914")]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _controlPlane.DisposeAsync();
        _store.Dispose();
        _stop.Cancel();
        _loop.Join();
        _board.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private List<KubeObject> SyncFailures() => _store.List("Event", "default").Items
        .Where(e => (string?)e.Json["reason"] == "SyncFailed" && (string?)e.Json["involvedObject"]?["name"] == "node-1").ToList();

    private static KubeObject Pod() => new(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = "talkative", ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "hello", ["image"] = "hello",
                ["args"] = new JsonArray("--message", new string('x', 3000)), // one string longer than the board's 1,280-byte frame
            }),
        },
    });

    private static bool WaitFor(Func<bool> done, int seconds = 15)
    {
        for (int i = 0; i < seconds * 20 && !done(); i++)
        {
            Thread.Sleep(50);
        }

        return done();
    }

    /// <summary>How many more failed syncs the test sees after the first before it counts the warnings.</summary>
    private const int Retries = 12;

    [Fact]
    public void A_board_that_cannot_take_its_tables_gets_one_warning_on_its_node_naming_its_memory_class()
    {
        Assert.True(WaitFor(() => _store.Get("Node", "", "node-1") != null), "node-1 never registered");
        _store.Apply(Pod());

        Assert.True(WaitFor(() => SyncFailures().Count > 0), "no SyncFailed event");
        BoardConnection connection = _controlPlane.Boards.Single(b => b.NodeName == "node-1");
        Assert.True(WaitFor(() => connection.SyncError != null), "the failing spell never began");
        long failures = connection.SyncFailures;
        Assert.True(WaitFor(() => connection.SyncFailures >= failures + Retries), $"the control plane retried {connection.SyncFailures - failures} times, not {Retries}");
        KubeObject warning = Assert.Single(SyncFailures());
        Assert.Equal("Warning", (string?)warning.Json["type"]);
        Assert.Contains("cannot cross in parts of ", (string?)warning.Json["message"]);
        Assert.Contains("the most this board takes (its memory class): one of its units", (string?)warning.Json["message"]);

        uint stuckAt = _board.Agent.AppliedGeneration;
        _store.Delete("Pod", "default", "talkative");

        Assert.True(WaitFor(() => _board.Agent.AppliedGeneration > stuckAt), "the board never took the smaller tables");
        Assert.Single(SyncFailures());
    }
}
