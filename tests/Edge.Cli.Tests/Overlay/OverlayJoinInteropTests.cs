using Edge.Host.Tests.Trust;
using System.Net;
using System.Text.Json.Nodes;
using Edge.Cli.Tests.Lab;
using Edge.Dataplane.Wire;
using Edge.Host.Api;
using Edge.Host.Cluster;
using Edge.Host.Manifests;
using Edge.Host.Store;
using Edge.VirtualBoard;

namespace Edge.Cli.Tests.Overlay;

/// <summary>
/// `edgectl overlay join --netns` against the Linux kernel: a namespace on a veth "LAN" with a
/// board (in this process, under a control plane) joins the pod network with a kernel vxlan
/// device; then curl reaches a pod directly (no NAT) and a Service (masqueraded by the node),
/// and dig resolves through the cluster DNS VIP.
/// </summary>
[Trait("Category", Category.Interop)]
public sealed class OverlayJoinInteropTests : IAsyncLifetime
{
    private readonly string _ns = $"edge-ovl-{Environment.ProcessId}";
    private readonly string _link = $"edgeov{Environment.ProcessId % 100000}";
    private readonly string _home = Directory.CreateTempSubdirectory("edge-ovl-").FullName;
    private ObjectStore? _store;
    private ControlPlane? _controlPlane;
    private ApiServer? _api;
    private AgentBoard? _board;
    private CancellationTokenSource? _stop;
    private Thread? _loop;

    private void Ip(params string[] args)
    {
        var run = Tools.Run("ip", args);
        Assert.True(run.ExitCode == 0, $"ip {string.Join(' ', args)}: {run.StdErr}");
    }

    public async Task InitializeAsync()
    {
        if (Tools.FirstMissing(["root", "ip", "bridge", "ethtool", "curl", "dig"]) != null)
        {
            return; // the fact itself is skipped (or, in CI, fails) for the missing tool
        }

        Tools.Run("ip", ["netns", "del", _ns]);
        Ip("netns", "add", _ns);
        Ip("link", "add", _link, "type", "veth", "peer", "name", "eth0", "netns", _ns);
        Ip("addr", "add", "198.18.79.1/24", "dev", _link);
        Ip("link", "set", _link, "up");
        Tools.Run("ethtool", ["-K", _link, "tx", "off", "rx", "off"]);
        Ip("-n", _ns, "link", "set", "lo", "up");
        Ip("-n", _ns, "addr", "add", "198.18.79.2/24", "dev", "eth0");
        Ip("-n", _ns, "link", "set", "eth0", "up");
        Tools.Run("ip", ["netns", "exec", _ns, "ethtool", "-K", "eth0", "tx", "off", "rx", "off"]);

        Assert.True(Ipv4Address.TryParse("198.18.79.1", out uint boardAddress));
        _board = new AgentBoard("node-1", boardAddress, storage: TestCluster.Provisioned());
        _stop = new CancellationTokenSource();
        _loop = new Thread(() => _board.Run(_stop.Token)) { IsBackground = true };
        _loop.Start();
        _store = ObjectStore.Open(Path.Combine(_home, "lab.db"));
        _controlPlane = new ControlPlane(_store, new ControlPlaneOptions { ClusterKey = TestCluster.Key });
        _controlPlane.Start([BoardLink.Parse("tcp://198.18.79.1:7900")]);
        _api = await ApiServer.StartAsync(_controlPlane, IPAddress.Loopback, 0, token: null);

        var documents = new List<ManifestDocument>();
        ManifestReader.Parse("web.yaml", File.ReadAllText(RepoPaths.Of("examples", "web.yaml")), documents, []);
        documents.ForEach(d => _store.Apply(d.Object));
    }

    public async Task DisposeAsync()
    {
        if (_api != null)
        {
            await _api.DisposeAsync();
        }

        if (_controlPlane != null)
        {
            await _controlPlane.DisposeAsync();
        }

        _store?.Dispose();
        _stop?.Cancel();
        _loop?.Join();
        _board?.Dispose();
        Tools.Run("ip", ["netns", "del", _ns]);
        Tools.Run("ip", ["link", "del", _link]);
        Directory.Delete(_home, recursive: true);
    }

    private (int ExitCode, string StdOut, string StdErr) InNamespace(params string[] args) => Tools.Run("ip", ["netns", "exec", _ns, .. args], TimeSpan.FromSeconds(30));

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "curl", "dig")]
    public void A_joined_namespace_reaches_pods_services_and_cluster_DNS_through_the_kernel_vxlan()
    {
        var edgectl = new EdgectlProcess(_home, "overlay", _api!.Address.ToString());
        for (int i = 0; i < 100 && _store!.List("Pod").Items.Count(p => (string?)p.Json["status"]?["phase"] == "Running") < 3; i++)
        {
            Thread.Sleep(100);
        }

        string podIp = (string)_store!.List("Pod").Items.First(p => (string?)p.Json["status"]?["phase"] == "Running").Json["status"]!["podIP"]!;
        string clusterIp = (string)_store.Get("Service", "default", "web")!.Spec!["clusterIP"]!;

        CliRun dryRun = edgectl.Run("overlay", "join", "--netns", _ns, "--address", "198.18.79.2", "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.Err);
        Assert.Contains($"ip -n {_ns} link add edge0 type vxlan id 1 dstport 4789 local 198.18.79.2 nolearning", dryRun.Out);
        Assert.Contains($"bridge -n {_ns} fdb append 02:ed:0a:f4:01:00 dev edge0 dst 198.18.79.1", dryRun.Out);
        Assert.Null(_store.Get("OverlayPeer", "", _ns)); // a dry run registers nothing

        CliRun join = edgectl.Run("overlay", "join", "--netns", _ns, "--address", "198.18.79.2");
        Assert.True(join.ExitCode == 0, join.Out + join.Err);
        Assert.Contains($"overlaypeer.edge.dev/{_ns} joined: namespace {_ns} is 10.250.0.0 on the pod network", join.Out);

        // the boards learn the new peer from the control plane: retry until it is in their tables
        var direct = InNamespace("curl", "-s", "--max-time", "3", $"http://{podIp}/");
        for (int i = 0; i < 20 && !direct.StdOut.Contains("Hostname"); i++)
        {
            Thread.Sleep(200);
            direct = InNamespace("curl", "-s", "--max-time", "3", $"http://{podIp}/");
        }

        Assert.Contains("Hostname: web-", direct.StdOut);
        Assert.Contains("RemoteAddr: 10.250.0.0:", direct.StdOut); // pod to host: no NAT on the overlay

        var service = InNamespace("curl", "-s", "--max-time", "3", $"http://{clusterIp}/");
        Assert.Contains("Hostname: web-", service.StdOut);
        Assert.Contains("RemoteAddr: 10.244.1.1:", service.StdOut); // masqueraded by the node it entered

        var dig = InNamespace("dig", "+short", "+time=2", "+tries=2", "@10.96.0.10", "web.default.svc.cluster.local");
        Assert.Equal(clusterIp, dig.StdOut.Trim());

        Assert.Contains("10.250.0.0/24", edgectl.Run("get", "overlaypeers").Out);
        CliRun leave = edgectl.Run("overlay", "leave", "--netns", _ns);
        Assert.Equal(0, leave.ExitCode);
        Assert.NotEqual(0, Tools.Run("ip", ["-n", _ns, "link", "show", "edge0"]).ExitCode);
        Assert.Null(_store.Get("OverlayPeer", "", _ns));
    }
}
