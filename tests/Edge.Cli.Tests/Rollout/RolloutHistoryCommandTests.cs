using System.Net;
using System.Text.Json.Nodes;
using Edge.Host.Allocation;
using Edge.Host.Api;
using Edge.Host.Cluster;
using Edge.Host.Controllers;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Cli.Tests.Rollout;

/// <summary>
/// `edgectl rollout history|undo` against a control plane's API in this process, the controllers
/// run by the test over the same store (and the board played by it: every placed pod reports ready).
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class RolloutHistoryCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-rollout-cli-").FullName;
    private readonly DateTime _now = new(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);
    private ObjectStore _store = null!;
    private ClusterReconciler _controllers = null!;
    private ControlPlane _controlPlane = null!;
    private ApiServer _api = null!;

    public async Task InitializeAsync()
    {
        _store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
        _store.Create(new KubeObject(new JsonObject
        {
            ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = "node-1" },
            ["spec"] = new JsonObject { ["podCIDR"] = "10.244.1.0/24" },
            ["status"] = new JsonObject { ["allocatable"] = new JsonObject { ["pods"] = "8" } },
        }));
        _controllers = new ClusterReconciler(_store, new ClusterNetwork(), new Random(5), () => _now, NodeLifecycleSettings.Workshop);
        _controllers.RecordHeartbeat("node-1", _now);
        RollOut("whoami:v1", "kubectl create deployment web --image=whoami:v1");
        RollOut("whoami:v2", null);

        _controlPlane = new ControlPlane(_store);
        _api = await ApiServer.StartAsync(_controlPlane, IPAddress.Loopback, 0, token: null);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _controlPlane.DisposeAsync();
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<CliRun> EdgectlAsync(params string[] args) => CliRun.OfAsync([.. args, "--server", _api.Address.ToString()]);

    private void RollOut(string image, string? cause)
    {
        var deployment = new KubeObject((JsonObject)JsonNode.Parse("""
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
             "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "IMAGE", "ports": [{"containerPort": 80}]}]}}}}
            """.Replace("IMAGE", image))!);
        if (cause != null)
        {
            deployment.Metadata["annotations"] = new JsonObject { [ReplicaSetHistory.ChangeCauseAnnotation] = cause };
        }

        _store.Apply(deployment);
        Settle();
    }

    private void Settle()
    {
        for (int round = 0; round < 20; round++)
        {
            _controllers.ReconcileUntilSettled();
            List<KubeObject> waiting = _store.List("Pod").Items.Where(p => p.Spec?["nodeName"] != null && (string?)p.Json["status"]?["phase"] != "Running").ToList();
            if (waiting.Count == 0)
            {
                return;
            }

            foreach (KubeObject pod in waiting)
            {
                pod.Json["status"]!["phase"] = "Running";
                pod.Json["status"]!["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" });
                _store.Update(pod);
            }
        }

        throw new InvalidOperationException("the rollout did not finish in 20 rounds");
    }

    private IEnumerable<string> PodImages() => _store.List("Pod", "default").Items.Select(p => (string)p.Spec!["containers"]![0]!["image"]!);

    [Fact]
    public async Task History_prints_kubectls_table_and_one_revisions_template()
    {
        CliRun table = await EdgectlAsync("rollout", "history", "deployment/web");
        Assert.Equal(0, table.ExitCode);
        Assert.Equal("deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         kubectl create deployment web --image=whoami:v1\n2         <none>\n\n", table.Out.ReplaceLineEndings("\n"));

        CliRun one = await EdgectlAsync("rollout", "history", "deployment", "web", "--revision", "1");
        Assert.Equal(0, one.ExitCode);
        Assert.StartsWith("deployment.apps/web with revision #1\nPod Template:\n  Labels:", one.Out.ReplaceLineEndings("\n"));
        Assert.Contains("    Image:        whoami:v1\n    Port:         80/TCP\n", one.Out.ReplaceLineEndings("\n"));

        CliRun missing = await EdgectlAsync("rollout", "history", "deployment/web", "--revision", "7");
        Assert.Equal((1, "error: unable to find the specified revision\n"), (missing.ExitCode, missing.Err.ReplaceLineEndings("\n")));
    }

    [Fact]
    public async Task Undo_goes_back_to_the_previous_revision_reusing_its_replica_set()
    {
        string firstSet = _store.List("ReplicaSet", "default").Items.Single(rs => ReplicaSetHistory.Revision(rs) == 1).Name;

        CliRun undo = await EdgectlAsync("rollout", "undo", "deployment/web");
        Assert.Equal((0, "deployment.apps/web rolled back\n"), (undo.ExitCode, undo.Out.ReplaceLineEndings("\n")));
        Settle();

        Assert.All(PodImages(), image => Assert.Equal("whoami:v1", image));
        KubeObject deployment = _store.Get("Deployment", "default", "web")!;
        Assert.Equal("kubectl create deployment web --image=whoami:v1", (string?)deployment.Metadata["annotations"]![ReplicaSetHistory.ChangeCauseAnnotation]);
        Assert.Equal(3, ReplicaSetHistory.Revision(deployment));
        Assert.Equal(firstSet, _store.List("ReplicaSet", "default").Items.Single(rs => ReplicaSetHistory.Revision(rs) == 3).Name);
        Assert.Equal("deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         kubectl create deployment web --image=whoami:v1\n\n",
            (await EdgectlAsync("rollout", "history", "deployment/web")).Out.ReplaceLineEndings("\n"));

        CliRun again = await EdgectlAsync("rollout", "undo", "deployment/web", "--to-revision", "3");
        Assert.Equal("deployment.apps/web skipped rollback (current template already matches revision 3)\n", again.Out.ReplaceLineEndings("\n"));

        Assert.Equal("deployment.apps/web rolled back\n", (await EdgectlAsync("rollout", "undo", "deployment/web", "--to-revision", "2")).Out.ReplaceLineEndings("\n"));
        Settle();
        Assert.All(PodImages(), image => Assert.Equal("whoami:v2", image));
    }

    [Fact]
    public async Task Undo_to_a_revision_that_is_not_there_fails_in_kubectls_words()
    {
        CliRun undo = await EdgectlAsync("rollout", "undo", "deployment/web", "--to-revision", "5");

        Assert.Equal((1, "error: unable to find specified revision 5 in history\n"), (undo.ExitCode, undo.Err.ReplaceLineEndings("\n")));
        Assert.All(PodImages(), image => Assert.Equal("whoami:v2", image));
    }

    [Fact]
    public async Task Get_rs_prints_kubectls_columns()
    {
        CliRun get = await EdgectlAsync("get", "rs");

        Assert.Equal(0, get.ExitCode);
        string[] lines = get.Out.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(["NAME", "DESIRED", "CURRENT", "READY", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, lines.Length - 1);
        Assert.Contains(lines[1..], l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..4].SequenceEqual(["2", "2", "2"]));
        Assert.Contains(lines[1..], l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..4].SequenceEqual(["0", "0", "0"]));
    }
}
