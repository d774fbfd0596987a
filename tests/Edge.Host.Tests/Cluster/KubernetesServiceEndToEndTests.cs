using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Dataplane.Wire;
using Edge.Host.Api;
using Edge.Host.Cluster;
using Edge.Host.Manifests;
using Edge.Host.Sessions;
using Edge.Host.Store;
using Edge.Host.Tests.Trust;
using Edge.VirtualBoard;

namespace Edge.Host.Tests.Cluster;

/// <summary>
/// The kubernetes Service seen from a pod: a control plane serving its API on loopback (as
/// `lab up` runs it) and one virtual board in this process (127.0.10.252). The pod resolves
/// kubernetes.default as on any cluster; its connection to 10.96.0.1:443 does not reach the API,
/// and this says how it fails, because that is what Edge does today (README.md, Services).
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class KubernetesServiceEndToEndTests : IAsyncLifetime
{
    private const string BoardAddress = "127.0.10.252";

    private readonly string _dir = Directory.CreateTempSubdirectory("edge-kubernetes-e2e-").FullName;
    private readonly StringWriter _log = new();
    private readonly CancellationTokenSource _stopBoard = new();
    private AgentBoard _board = null!;
    private Thread _boardLoop = null!;
    private ObjectStore _store = null!;
    private ControlPlane _controlPlane = null!;
    private ApiServer _api = null!;

    public async Task InitializeAsync()
    {
        Assert.True(Ipv4Address.TryParse(BoardAddress, out uint address));
        _board = new AgentBoard("node-1", address, storage: TestCluster.Provisioned());
        _boardLoop = new Thread(() => _board.Run(_stopBoard.Token)) { IsBackground = true, Name = "node-1" };
        _boardLoop.Start();

        // As `edgectl controlplane --listen 127.0.0.1:PORT` does: the port is known before the API listens.
        var apiEndpoint = new IPEndPoint(IPAddress.Loopback, FreePort());
        _store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
        _controlPlane = new ControlPlane(_store, new ControlPlaneOptions
        {
            Tick = TimeSpan.FromMilliseconds(200),
            RetryAfter = TimeSpan.FromMilliseconds(300),
            ClusterKey = TestCluster.Key,
            ApiEndpoint = apiEndpoint,
        }, _log);
        _api = await ApiServer.StartAsync(_controlPlane, apiEndpoint.Address, apiEndpoint.Port, token: null);
        _controlPlane.Start([BoardLink.Parse($"tcp://{BoardAddress}:{AgentBoard.DefaultMgmtPort}")]);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _controlPlane.DisposeAsync();
        _store.Dispose();
        _stopBoard.Cancel();
        _boardLoop.Join();
        _board.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
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

    private async Task<(int Exit, string Out)> Exec(string pod, params string[] args)
    {
        BoardClient session = _controlPlane.SessionFor("node-1") ?? throw new InvalidOperationException("no session to node-1");
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
    public async Task A_pod_resolves_kubernetes_default_and_its_endpoints_are_where_the_API_answers()
    {
        Apply("client.yaml");
        await WaitFor(() => (string?)_store.Get("Pod", "default", "client")?.Json["status"]?["phase"] == "Running", "client Running");

        // The kubernetes Service names the API's own address: from this host, the API answers there.
        JsonNode subset = _store.Get("Endpoints", "default", "kubernetes")!.Json["subsets"]![0]!;
        string endpoint = $"{(string?)subset["addresses"]![0]!["ip"]}:{(int)subset["ports"]![0]!["port"]!}";
        Assert.Equal($"127.0.0.1:{_api.Address.Port}", endpoint);
        using (var http = new HttpClient())
        {
            Assert.Contains("\"gitVersion\"", await http.GetStringAsync($"http://{endpoint}/version"));
        }

        // From the pod: the name resolves as on any cluster, through the search list and in full.
        (int exit, string output) = (0, "");
        for (int i = 0; i < 50; i++)
        {
            (exit, output) = await Exec("client", "nslookup", "kubernetes.default");
            if (exit == 0)
            {
                break;
            }

            await Task.Delay(100); // until the board has the state with the service
        }

        Assert.True(exit == 0, output);
        Assert.Contains("Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n", output);
        (int fullExit, string full) = await Exec("client", "nslookup", "kubernetes.default.svc.cluster.local");
        Assert.Equal(0, fullExit);
        Assert.Contains("Address: 10.96.0.1\n", full);

        // ... but 10.96.0.1:443 does not reach the API: the board translates it to 127.0.0.1, which
        // never leaves the pod network (and pod egress is off), so the SYN goes nowhere.
        (int ncExit, string nc) = await Exec("client", "nc", "-z", "-w", "2", "10.96.0.1", "443");
        Assert.Equal(1, ncExit);
        Assert.Equal("nc: can't connect to remote host 10.96.0.1 (10.96.0.1:443): connection timed out\n", nc);
    }
}
