using Edge.Host.Tests.Trust;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Dataplane.Wire;
using Edge.Host.Cluster;
using Edge.Host.Controllers;
using Edge.Host.Manifests;
using Edge.Host.Objects;
using Edge.Host.Sessions;
using Edge.Host.Store;
using Edge.VirtualBoard;

namespace Edge.Host.Tests.Cluster;

/// <summary>
/// The control plane runs three virtual boards (in this process, on their own loopback
/// addresses and real sockets): a deployment lands on all three, its service answers from
/// different pods, a lost board is noticed and its replicas move, and a restarted control
/// plane picks up where it was without restarting any pod.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class ControlPlaneEndToEndTests : IAsyncLifetime
{
    private static readonly ControlPlaneOptions Fast = new()
    {
        Lifecycle = new NodeLifecycleSettings(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)),
        Tick = TimeSpan.FromMilliseconds(200),
        RetryAfter = TimeSpan.FromMilliseconds(300),
        ClusterKey = TestCluster.Key,
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("edge-cp-").FullName;
    private readonly Dictionary<int, (AgentBoard Board, CancellationTokenSource Stop, Thread Loop)> _boards = [];
    private readonly StringWriter _log = new();
    private ObjectStore _store = null!;
    private ControlPlane _controlPlane = null!;

    private static string Address(int n) => $"127.0.10.{110 + n}";

    private static BoardLink Link(int n) => BoardLink.Parse($"tcp://{Address(n)}:{AgentBoard.DefaultMgmtPort}");

    private void StartBoard(int n)
    {
        Ipv4Address.TryParse(Address(n), out uint address);
        var board = new AgentBoard($"node-{n}", address, storage: TestCluster.Provisioned());
        var stop = new CancellationTokenSource();
        var loop = new Thread(() => board.Run(stop.Token)) { IsBackground = true, Name = $"node-{n}" };
        loop.Start();
        _boards[n] = (board, stop, loop);
    }

    private void StopBoard(int n)
    {
        (AgentBoard board, CancellationTokenSource stop, Thread loop) = _boards[n];
        stop.Cancel();
        loop.Join();
        board.Dispose();
        _boards.Remove(n);
    }

    private void StartControlPlane()
    {
        _store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
        _controlPlane = new ControlPlane(_store, Fast, _log);
        _controlPlane.Start([Link(1), Link(2), Link(3)]);
    }

    private async Task StopControlPlane()
    {
        await _controlPlane.DisposeAsync();
        _store.Dispose();
    }

    public Task InitializeAsync()
    {
        for (int n = 1; n <= 3; n++)
        {
            StartBoard(n);
        }

        StartControlPlane();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await StopControlPlane();
        foreach (int n in _boards.Keys.ToArray())
        {
            StopBoard(n);
        }

        Directory.Delete(_dir, recursive: true);
    }

    private void Apply(string file)
    {
        var documents = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        ManifestReader.Parse(file, File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", file)), documents, problems);
        Assert.Empty(problems);
        foreach (ManifestDocument doc in documents)
        {
            _store.Apply(doc.Object);
        }
    }

    private List<KubeObject> RunningWebPods() => _store.List("Pod", "default").Items
        .Where(p => p.Name.StartsWith("web-", StringComparison.Ordinal) && (string?)p.Json["status"]?["phase"] == "Running").ToList();

    private List<string> EndpointAddresses() => (_store.Get("Endpoints", "default", "web")?.Json["subsets"]?[0]?["addresses"] as JsonArray ?? [])
        .Select(a => (string)a!["ip"]!).Order(StringComparer.Ordinal).ToList();

    private async Task<(int Exit, string Out)> Exec(string pod, params string[] args)
    {
        string node = (string)_store.Get("Pod", "default", pod)!.Spec!["nodeName"]!;
        BoardClient session = _controlPlane.SessionFor(node) ?? throw new InvalidOperationException($"no session to {node}");
        var output = new StringBuilder();
        int exit = await session.ExecAsync("default", pod, args, null, (_, bytes) => output.Append(Encoding.ASCII.GetString(bytes.Span)), TimeSpan.FromSeconds(10));
        return (exit, output.ToString());
    }

    private async Task WaitFor(Func<bool> condition, string what, int seconds = 20)
    {
        for (int i = 0; i < seconds * 10 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), $"timed out waiting for {what}; control plane log:\n{_log}");
    }

    [Fact]
    public async Task A_deployment_runs_on_three_boards_and_its_service_answers_from_different_pods()
    {
        await WaitFor(() => _store.List("Node").Items.Count(NodeIsReady) == 3, "three Ready nodes");
        Apply("web.yaml");
        Apply("client.yaml");

        await WaitFor(() => RunningWebPods().Count == 3, "three web pods Running");
        Assert.Equal(3, RunningWebPods().Select(p => (string?)p.Spec!["nodeName"]).Distinct().Count());
        await WaitFor(() => EndpointAddresses().Count == 3, "three endpoints");
        await WaitFor(() => (string?)_store.Get("Pod", "default", "client")?.Json["status"]?["phase"] == "Running", "client Running");

        var hostnames = new HashSet<string>();
        for (int i = 0; i < 12 && hostnames.Count < 2; i++)
        {
            (int exit, string body) = await Exec("client", "wget", "-qO-", "http://web");
            Assert.Equal(0, exit);
            hostnames.Add(body.Split('\n').First(l => l.StartsWith("Hostname: ", StringComparison.Ordinal)));
        }

        Assert.True(hostnames.Count >= 2, "every answer came from one pod: " + string.Join(", ", hostnames));
        Assert.Contains("node-1: connected over tcp://127.0.10.111:7900", _log.ToString());
    }

    [Fact]
    public async Task A_lost_board_goes_NotReady_its_endpoints_leave_and_its_replicas_move()
    {
        await WaitFor(() => _store.List("Node").Items.Count(NodeIsReady) == 3, "three Ready nodes");
        Apply("web.yaml");
        await WaitFor(() => RunningWebPods().Count == 3 && EndpointAddresses().Count == 3, "three web pods Running with endpoints");
        string lostAddress = (string)RunningWebPods().Single(p => (string?)p.Spec!["nodeName"] == "node-3").Json["status"]!["podIP"]!;

        StopBoard(3); // pulled the plug

        await WaitFor(() => !NodeIsReady(_store.Get("Node", "", "node-3")!), "node-3 not Ready");
        await WaitFor(() => !EndpointAddresses().Contains(lostAddress), "the lost pod out of the endpoints");
        await WaitFor(() => RunningWebPods().Count == 3 && RunningWebPods().All(p => (string?)p.Spec!["nodeName"] != "node-3"), "three replicas Running on node-1 and node-2");
        await WaitFor(() => EndpointAddresses().Count == 3, "three endpoints again");

        // The boards that remain are told (a sync later): node-1's service table comes to list exactly the new endpoints.
        string ipvs = "";
        for (int i = 0; i < 50; i++)
        {
            ipvs = await _controlPlane.SessionFor("node-1")!.ViewAsync(Edge.Dataplane.Agent.BoardSession.ViewIpvs, TimeSpan.FromSeconds(5));
            if (EndpointAddresses().All(e => ipvs.Contains(e + ":80")))
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.DoesNotContain(lostAddress + ":80", ipvs);
        foreach (string endpoint in EndpointAddresses())
        {
            Assert.Contains(endpoint + ":80", ipvs);
        }

        // After the first snapshot of a session, changes travel as deltas.
        BoardConnection node1 = _controlPlane.Boards.Single(b => b.NodeName == "node-1");
        Assert.Equal(1, node1.SnapshotsSent);
        Assert.True(node1.DeltasSent > 0);

        // The board comes back: Ready again, and empty of the pods that moved away.
        StartBoard(3);
        await WaitFor(() => NodeIsReady(_store.Get("Node", "", "node-3")!), "node-3 Ready again");
    }

    [Fact]
    public async Task A_restarted_control_plane_keeps_the_cluster_and_resyncs_boards_without_restarting_pods()
    {
        await WaitFor(() => _store.List("Node").Items.Count(NodeIsReady) == 3, "three Ready nodes");
        Apply("web.yaml");
        await WaitFor(() => RunningWebPods().Count == 3, "three web pods Running");
        var before = RunningWebPods().ToDictionary(p => p.Name, p => (string?)p.Json["status"]!["podIP"]);
        var sandboxes = _boards.ToDictionary(b => b.Key, b => b.Value.Board.Agent.Pods.Select(p => p.Sandbox).ToArray());
        var generations = _boards.ToDictionary(b => b.Key, b => b.Value.Board.Agent.AppliedGeneration);

        await StopControlPlane();
        StartControlPlane();

        // Every board resynced by the new control plane (a new session starts with a full snapshot,
        // compiled after its controllers settled), in step with it, and reporting at that generation
        // (a board reports its pods right after applying) with its pod still Running.
        await WaitFor(() => _boards.All(b => ResyncedAndReported(b.Key, generations[b.Key])), "every board resynced by the new control plane and reporting its pods Running");
        Assert.Equal(before, RunningWebPods().ToDictionary(p => p.Name, p => (string?)p.Json["status"]!["podIP"]));
        foreach ((int n, object[] pods) in sandboxes)
        {
            Assert.Equal(pods, _boards[n].Board.Agent.Pods.Select(p => p.Sandbox).ToArray());
        }
    }

    private bool ResyncedAndReported(int n, uint generationBefore)
    {
        uint applied = _boards[n].Board.Agent.AppliedGeneration;
        BoardConnection? connection = _controlPlane.Boards.SingleOrDefault(b => b.NodeName == $"node-{n}");
        BoardHeartbeat? heartbeat = _controlPlane.SessionFor($"node-{n}")?.LastHeartbeat;
        return applied > generationBefore
            && connection is { SnapshotsSent: > 0, Sending: false, SyncedContent: not null } && connection.Generation == applied
            && heartbeat != null && heartbeat.Generation == applied && heartbeat.Pods.Count > 0 && heartbeat.Pods.All(p => p.Phase == "Running");
    }

    private static bool NodeIsReady(KubeObject node) =>
        (node.Json["status"]?["conditions"] as JsonArray)?.Any(c => (string?)c?["type"] == "Ready" && (string?)c["status"] == "True") == true;
}
