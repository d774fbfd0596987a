using System.Diagnostics;
using System.Text.Json.Nodes;
using Edge.Cli.Tests.Lab;

namespace Edge.Cli.Tests.Overlay;

/// <summary>
/// `lab up` as root puts its boards on a bridge, and the Linux kernel joins that lab as typed in
/// the README: `overlay join` on the host and `overlay join --netns NS` for a fresh namespace,
/// with no address or link to give. Then ping and curl reach pods, curl the Service's ClusterIP,
/// dig the cluster DNS; `overlay leave` and `lab down` leave no link or namespace behind.
/// </summary>
[Trait("Category", Category.Interop)]
public sealed class LabOverlayJoinInteropTests : IDisposable
{
    // Short enough to be the lab's interface tag as it is (edge-jNNNNN), different per test run.
    private readonly string _lab = $"j{Environment.ProcessId % 100000}";
    private readonly string _ns = $"edge-attendee-{Environment.ProcessId}";
    private readonly string _hostDevice = $"edgeh{Environment.ProcessId % 100000}";
    private readonly string _home = Directory.CreateTempSubdirectory("edge-labjoin-").FullName;
    private readonly EdgectlProcess _edgectl;

    public LabOverlayJoinInteropTests()
    {
        _edgectl = new EdgectlProcess(_home, _lab);
    }

    /// <summary>
    /// The host's vxlan device takes its UDP port on every address of this host's namespace, where
    /// other tests' loopback boards bind 4789 at the same time: the host joins on a port of its own
    /// (the boards are told it with the peer), under its own device name.
    /// </summary>
    private string[] HostJoinOptions => ["--device", _hostDevice, "--vxlan-port", "4799"];

    public void Dispose()
    {
        _edgectl.Run(["overlay", "leave", .. HostJoinOptions[..2]]);
        _edgectl.Run("overlay", "leave", "--netns", _ns);
        _edgectl.Run("lab", "down", "--purge");
        if (Tools.Find("ip") != null)
        {
            // What a failed `lab down` would have left: nothing may outlive the test.
            Tools.Run("ip", ["netns", "del", _ns]);
            Tools.Run("ip", ["link", "del", _hostDevice]);
            LabLinks().ForEach(l => Tools.Run("ip", ["link", "del", l]));
            LabNamespaces().ForEach(ns => Tools.Run("ip", ["netns", "del", ns]));
        }

        Directory.Delete(_home, recursive: true);
    }

    private List<string> LabLinks() => Tools.Run("ip", ["-o", "link", "show"]).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split(':', 3)).Where(f => f.Length == 3).Select(f => f[1].Trim().Split('@')[0])
        .Where(name => name == $"edge-{_lab}" || name.StartsWith($"edge-{_lab}-", StringComparison.Ordinal)).ToList();

    private List<string> LabNamespaces() => Tools.Run("ip", ["netns", "list"]).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split(' ')[0]).Where(ns => ns.StartsWith($"edge-{_lab}-node-", StringComparison.Ordinal)).ToList();

    private (int ExitCode, string StdOut, string StdErr) Host(params string[] args) => Tools.Run(args[0], args[1..], TimeSpan.FromSeconds(30));

    private (int ExitCode, string StdOut, string StdErr) InNamespace(params string[] args) => Tools.Run("ip", ["netns", "exec", _ns, .. args], TimeSpan.FromSeconds(30));

    private static void WaitFor(Func<bool> condition, string what, int seconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), "timed out waiting for " + what);
            Thread.Sleep(250);
        }
    }

    /// <summary>Runs the probe until its result is right, for up to 30 s; fails with what it last said.</summary>
    private static void Eventually(Func<(int ExitCode, string StdOut, string StdErr)> probe, Func<(int ExitCode, string StdOut, string StdErr), bool> right, string what)
    {
        var clock = Stopwatch.StartNew();
        var last = probe();
        while (!right(last))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{what}: exit {last.ExitCode}, said: {last.StdOut}{last.StdErr}");
            Thread.Sleep(250);
            last = probe();
        }
    }

    private List<JsonNode> RunningWebPods()
    {
        CliRun get = _edgectl.Run("get", "pods", "-l", "app=web", "-o", "json");
        Assert.True(get.ExitCode == 0, get.Err);
        return JsonNode.Parse(get.Out)!["items"]!.AsArray()
            .Where(p => (string?)p!["status"]?["phase"] == "Running" && p["status"]?["podIP"] != null).Select(p => p!).ToList();
    }

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "ping", "curl", "dig")]
    public void The_host_and_a_fresh_namespace_join_lab_ups_own_lab_and_reach_pods_services_and_DNS()
    {
        CliRun up = _edgectl.Run("lab", "up", "--nodes", "2");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Assert.Contains($"✓ network: bridge edge-{_lab} on 198.19.", up.Out);
        Assert.Contains($"in namespace edge-{_lab}-node-2", up.Out);
        Assert.Equal([$"edge-{_lab}-node-1", $"edge-{_lab}-node-2"], LabNamespaces().Order());

        CliRun apply = _edgectl.Run("apply", "-f", "examples/web.yaml");
        Assert.True(apply.ExitCode == 0, apply.Out + apply.Err);
        WaitFor(() => RunningWebPods().Count == 3, "three web pods Running");
        List<string> podIps = RunningWebPods().Select(p => (string)p["status"]!["podIP"]!).ToList();
        Assert.Equal(2, RunningWebPods().Select(p => (string?)p["spec"]!["nodeName"]).Distinct().Count());
        CliRun service = _edgectl.Run("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}");
        string clusterIp = service.Out.Trim();
        Assert.StartsWith("10.96.", clusterIp);

        // Nothing typed but the namespace's name: lab links it into its bridge and gives it an address there.
        Assert.Equal(0, Tools.Run("ip", ["netns", "add", _ns]).ExitCode);
        CliRun nsJoin = _edgectl.Run("overlay", "join", "--netns", _ns);
        Assert.True(nsJoin.ExitCode == 0, nsJoin.Out + nsJoin.Err);
        Assert.Contains($"joined: namespace {_ns} is 10.250.", nsJoin.Out);
        Assert.Matches(@"inet 198\.19\.\d+\.101/24", Tools.Run("ip", ["-n", _ns, "-4", "addr", "show", "dev", $"edge-{_lab}"]).StdOut);

        CliRun hostJoin = _edgectl.Run(["overlay", "join", .. HostJoinOptions]);
        Assert.True(hostJoin.ExitCode == 0, hostJoin.Out + hostJoin.Err);
        Assert.Contains("joined: this host is 10.250.", hostJoin.Out);

        string status = _edgectl.Run("lab", "status").Out;
        Assert.Contains($"Network: bridge edge-{_lab} on 198.19.", status);
        Assert.Contains($"Joined: namespace {_ns} at 198.19.", status);
        Assert.Contains($"Joined: this host at 198.19.", status);

        foreach ((string where, Func<string[], (int ExitCode, string StdOut, string StdErr)> run) in
            new (string, Func<string[], (int, string, string)>)[] { ("namespace", InNamespace), ("host", Host) })
        {
            // The boards learn a new peer from the control plane: the first packets may find it not there yet.
            foreach (string podIp in podIps)
            {
                Eventually(() => run(["ping", "-c", "1", "-W", "1", podIp]), r => r.ExitCode == 0, $"ping {podIp} from the {where}");
                Eventually(() => run(["curl", "-s", "--max-time", "5", $"http://{podIp}/"]), r => r.StdOut.Contains("Hostname: web-"), $"curl {podIp} from the {where}");
            }

            // masqueraded by the node it entered (10.244.N.1), as kube-proxy does for off-cluster clients
            Eventually(() => run(["curl", "-s", "--max-time", "5", $"http://{clusterIp}/"]),
                r => r.StdOut.Contains("Hostname: web-") && r.StdOut.Contains("RemoteAddr: 10.244."), $"curl the ClusterIP {clusterIp} from the {where}");
            Eventually(() => run(["dig", "+short", "+time=2", "+tries=3", "@10.96.0.10", "web.default.svc.cluster.local"]),
                r => r.StdOut.Trim() == clusterIp, $"dig @10.96.0.10 from the {where}");
        }

        // leave takes back what join made: the vxlan devices, and the namespace's link into the bridge
        Assert.Equal(0, _edgectl.Run("overlay", "leave", "--netns", _ns).ExitCode);
        Assert.NotEqual(0, Tools.Run("ip", ["-n", _ns, "link", "show", "edge0"]).ExitCode);
        Assert.NotEqual(0, Tools.Run("ip", ["-n", _ns, "link", "show", $"edge-{_lab}"]).ExitCode);
        Assert.DoesNotContain($"edge-{_lab}-j1", LabLinks());
        Assert.Equal(0, _edgectl.Run(["overlay", "leave", .. HostJoinOptions[..2]]).ExitCode);
        Assert.NotEqual(0, Tools.Run("ip", ["link", "show", _hostDevice]).ExitCode);
        Assert.Contains("No resources found", _edgectl.Run("get", "overlaypeers").Err);

        // lab down takes back what lab up made: the bridge, every board's namespace and veth, the route to the lab's /24
        CliRun down = _edgectl.Run("lab", "down");
        Assert.True(down.ExitCode == 0, down.Out + down.Err);
        Assert.Contains($"bridge edge-{_lab}", down.Out);
        Assert.Empty(LabLinks());
        Assert.Empty(LabNamespaces());
        Assert.DoesNotContain($"dev edge-{_lab} ", Tools.Run("ip", ["-4", "route", "show"]).StdOut);
        Assert.Equal(0, Tools.Run("ip", ["netns", "del", _ns]).ExitCode); // the namespace the test made is still the test's
    }
}
