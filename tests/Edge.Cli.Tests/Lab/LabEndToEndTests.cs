using System.Diagnostics;
using System.Text.Json.Nodes;
using Edge.Cli.Api;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// The workshop, as an attendee types it: `edgectl lab up` starts a control plane and three
/// virtual boards as processes, `apply` a deployment, `exec` into a client, pull a board's plug
/// (kill its process), restart the control plane, and feed it a broken manifest.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class LabEndToEndTests() : LabTest("e2e")
{

    private List<JsonNode> WebPods(string phase = "Running") => Get("pods", "-l", "app=web")["items"]!.AsArray()
        .Where(p => (string?)p!["status"]?["phase"] == phase).Select(p => p!).ToList();

    private List<string> Endpoints() => (Get("endpoints", "web")["subsets"]?[0]?["addresses"] as JsonArray ?? [])
        .Select(a => (string)a!["ip"]!).ToList();

    private int BoardPid(string node) => (int)JsonNode.Parse(File.ReadAllText(Path.Combine(Home, "labs", "e2e", "lab.json")))!["boards"]!
        .AsArray().Single(b => (string?)b!["name"] == node)!["pid"]!;

    private int ControlPlanePid() => (int)JsonNode.Parse(File.ReadAllText(Path.Combine(Home, "labs", "e2e", "lab.json")))!["controlPlane"]!["pid"]!;

    /// <summary>Each web pod's uid and when its container started, as the boards reported it.</summary>
    private Dictionary<string, string?> StartedAt() => WebPods()
        .ToDictionary(p => (string)p["metadata"]!["uid"]!, p => (string?)p["status"]!["containerStatuses"]![0]!["state"]!["running"]!["startedAt"]);

    /// <summary>The control plane's sessions with its boards (GET /edge/v1/boards, as `lab status` reads them).</summary>
    private List<JsonNode> Sessions()
    {
        JsonNode lab = JsonNode.Parse(File.ReadAllText(Path.Combine(Home, "labs", "e2e", "lab.json")))!;
        using var api = new ApiClient((string)lab["server"]!, (string?)lab["token"]);
        return (api.GetAsync("/edge/v1/boards").GetAwaiter().GetResult()["items"] as JsonArray ?? []).Select(b => b!).ToList();
    }

    [Fact]
    public void The_workshop_runs_end_to_end_on_virtual_boards()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", "127.0.10.121", "--not-ready-after", "3", "--evict-after", "4");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Assert.Contains("✓ node-3 Ready (pod CIDR 10.244.3.0/24)", up.Out);
        Assert.Contains("edgectl exec client -- wget -qO- http://web", up.Out);

        // apply: one line per object, kubectl's words
        CliRun apply = Edgectl.Run("apply", "-f", "examples/web.yaml", "-f", "examples/client.yaml");
        Assert.Equal((0, "deployment.apps/web created\nservice/web created\npod/client created\n"), (apply.ExitCode, apply.Out));
        Assert.Equal("deployment.apps/web unchanged\nservice/web unchanged\n", Edgectl.Run("apply", "-f", "examples/web.yaml").Out);

        WaitFor(() => WebPods().Count == 3, "three web pods Running");
        Assert.Equal(3, WebPods().Select(p => (string?)p["spec"]!["nodeName"]).Distinct().Count());
        WaitFor(() => Endpoints().Count == 3, "three endpoints");
        WaitFor(() => (string?)Get("pod", "client")["status"]!["phase"] == "Running", "client Running");

        // kubectl's output habits
        string yaml = Edgectl.Run("get", "service", "web", "-o", "yaml").Out;
        Assert.Matches(@"(?m)^kind: Service$", yaml);
        Assert.Matches(@"(?m)^  clusterIP: 10\.96\.\d+\.\d+$", yaml);
        Assert.Equal("deployment.apps/web\n", Edgectl.Run("get", "deployments", "-o", "name").Out);
        Assert.Matches(@"(?m)^NAMESPACE\s+NAME\s+READY", Edgectl.Run("get", "pods", "-A").Out);
        string describe = Edgectl.Run("describe", "pod", "client").Out;
        Assert.Matches(@"(?s)^Name:\s+client\n.*Events:\n.*Normal\s+Scheduled\s+.*Successfully assigned default/client to node-\d\n$", describe);
        CliRun table = Edgectl.Run("get", "pods", "-o", "wide");
        Assert.Matches(@"(?m)^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE$", table.Out);
        Assert.Matches(@"(?m)^client\s+1/1\s+Running\s+0\s+\d+s\s+10\.244\.\d\.\d+\s+node-\d$", table.Out);

        // the service answers from different pods
        var hostnames = new HashSet<string>();
        for (int i = 0; i < 15 && hostnames.Count < 2; i++)
        {
            CliRun wget = Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web");
            Assert.True(wget.ExitCode == 0, wget.Err);
            hostnames.Add(wget.Out.Split('\n').Single(l => l.StartsWith("Hostname: ", StringComparison.Ordinal)));
        }

        Assert.True(hostnames.Count >= 2, "one pod answered every time");
        string logs = string.Concat(WebPods().Select(p => Edgectl.Run("logs", (string)p["metadata"]!["name"]!).Out));
        Assert.Matches(@"(?m)^10\.244\.\d+\.\d+:\d+ ""GET / HTTP/1\.1"" 200$", logs); // whoami's access log, from the boards
        CliRun missing = Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://nothing-here");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("bad address 'nothing-here'", missing.Err);

        // pull node-3's plug
        string lost = (string)WebPods().Single(p => (string?)p["spec"]!["nodeName"] == "node-3")["status"]!["podIP"]!;
        Process.GetProcessById(BoardPid("node-3")).Kill();
        WaitFor(() => Edgectl.Run("get", "nodes").Out.Contains("node-3   NotReady"), "node-3 NotReady", 30);
        WaitFor(() => !Endpoints().Contains(lost), "the lost pod out of the endpoints", 30);
        WaitFor(() => WebPods().Count == 3 && WebPods().All(p => (string?)p["spec"]!["nodeName"] != "node-3"), "three replicas on the remaining boards", 60);
        CliRun stillServed = Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web");
        Assert.Equal(0, stillServed.ExitCode);

        // restart the control plane: nothing is lost, no pod restarts
        Dictionary<string, string?> before = StartedAt();
        Process.GetProcessById(ControlPlanePid()).Kill();
        CliRun down = Edgectl.Run("get", "pods");
        Assert.Equal(1, down.ExitCode);
        Assert.StartsWith("error: cannot reach the control plane at http://127.0.0.1:", down.Err);

        CliRun again = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", "127.0.10.121");
        Assert.True(again.ExitCode == 0, again.Out + again.Err);
        Assert.Contains("✓ node-1 is running", again.Out);
        Assert.Contains("✓ started the control plane", again.Out);
        WaitFor(() => Edgectl.Run("lab", "status").Out.Split('\n').Count(l => l.Contains("connected, generation")) == 3, "three boards connected");
        // Resynced: each board acknowledged the new control plane's first snapshot (a session starts
        // with one, compiled after the controllers settled); a board reports its pods right after.
        WaitFor(() => Sessions().Count(b => (bool?)b["connected"] == true && (long?)b["snapshotsSent"] >= 1) == 3, "three boards resynced by the new control plane");
        Assert.Equal(before, StartedAt());

        // A window of two heartbeats (boards report every second) over which no pod may show a
        // restart: what must NOT happen, not a wait for anything.
        var window = Stopwatch.StartNew();
        while (window.Elapsed < TimeSpan.FromMilliseconds(2 * Edge.Dataplane.Agent.BoardSession.HeartbeatMs))
        {
            Assert.Equal(before, StartedAt());
        }

        // a broken manifest: every problem with file and line, nothing applied
        string bad = Path.Combine(Home, "bad.yaml");
        File.WriteAllText(bad, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\nspec:\n  replicas: -1\n  selector:\n    matchLabels: {app: b}\n  template:\n    metadata:\n      labels: {app: b}\n    spec:\n      hostNetwork: true\n      containers:\n        - name: c\n          image: whoami\n");
        CliRun rejected = Edgectl.Run("apply", "-f", bad);
        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains($"error: {bad}:6: deployment.apps/broken: spec.replicas:", rejected.Err);
        Assert.Contains($"{bad}:13:", rejected.Err);
        Assert.Equal(1, Edgectl.Run("get", "deployment", "broken").ExitCode);
    }
}
