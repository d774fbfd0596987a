using System.Text.Json.Nodes;
using Edge.Host.Allocation;
using Edge.Host.Api;
using Edge.Host.Controllers;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Host.Tests.Controllers;

/// <summary>
/// A deployment's revisions as ReplicaSets, over a real store with the controllers and boards
/// played by the test (every pod placed reports Running and Ready): what `kubectl rollout
/// history` and `undo` read and write.
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class ReplicaSetHistoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-rs-").FullName;
    private readonly ObjectStore _store;
    private readonly ClusterReconciler _controllers;
    private readonly DateTime _now = new(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);

    public ReplicaSetHistoryTests()
    {
        _store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
        _store.Create(new KubeObject(new JsonObject
        {
            ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = "node-1" },
            ["spec"] = new JsonObject { ["podCIDR"] = "10.244.1.0/24" },
            ["status"] = new JsonObject { ["allocatable"] = new JsonObject { ["pods"] = "8" } },
        }));
        _controllers = new ClusterReconciler(_store, new ClusterNetwork(), new Random(42), () => _now, NodeLifecycleSettings.Workshop);
        _controllers.RecordHeartbeat("node-1", _now);
    }

    private static KubeObject Deployment(string image, int? historyLimit = null, string? cause = null)
    {
        var deployment = new KubeObject((JsonObject)JsonNode.Parse("""
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
             "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "IMAGE"}]}}}}
            """.Replace("IMAGE", image))!);
        if (historyLimit is int limit)
        {
            deployment.Spec!["revisionHistoryLimit"] = limit;
        }

        if (cause != null)
        {
            deployment.Metadata["annotations"] = new JsonObject { [ReplicaSetHistory.ChangeCauseAnnotation] = cause };
        }

        return deployment;
    }

    /// <summary>Applies the deployment and runs the controllers, boards reporting every placed pod ready, until the rollout is done.</summary>
    private void RollOut(KubeObject deployment)
    {
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

    private List<KubeObject> ReplicaSets() => _store.List("ReplicaSet", "default").Items.OrderBy(ReplicaSetHistory.Revision).ToList();

    private static string Image(KubeObject rs) => (string)rs.Spec!["template"]!["spec"]!["containers"]![0]!["image"]!;

    [Fact]
    public void Each_new_template_is_a_replica_set_with_the_next_revision_and_the_old_one_scaled_to_zero()
    {
        RollOut(Deployment("whoami:v1", cause: "first"));
        RollOut(Deployment("whoami:v2", cause: "second"));

        List<KubeObject> sets = ReplicaSets();
        Assert.Equal([("whoami:v1", 1L, 0, 0), ("whoami:v2", 2L, 2, 2)],
            sets.Select(rs => (Image(rs), ReplicaSetHistory.Revision(rs), JsonNumbers.AsInt(rs.Spec!["replicas"]), JsonNumbers.AsInt(rs.Json["status"]!["readyReplicas"]))));
        KubeObject deployment = _store.Get("Deployment", "default", "web")!;
        KubeObject current = sets[1];
        string hash = current.Labels["pod-template-hash"];
        Assert.Equal($"web-{hash}", current.Name);
        Assert.Equal((string?)deployment.Metadata["uid"], current.ControllerUid);
        Assert.Equal(hash, (string?)current.Spec!["selector"]!["matchLabels"]!["pod-template-hash"]);
        Assert.Equal(hash, (string?)current.Spec!["template"]!["metadata"]!["labels"]!["pod-template-hash"]);
        Assert.Equal(["first", "second"], sets.Select(rs => (string?)rs.Metadata["annotations"]![ReplicaSetHistory.ChangeCauseAnnotation]));
        Assert.Equal(2, ReplicaSetHistory.Revision(deployment));
        Assert.All(_store.List("Pod", "default").Items, p => Assert.Equal(hash, p.Labels["pod-template-hash"]));
        Assert.Equal(0, _controllers.ReconcileOnce()); // settled
    }

    [Fact]
    public void An_undo_as_kubectl_sends_it_reuses_the_old_replica_set_with_the_next_revision()
    {
        RollOut(Deployment("whoami:v1"));
        RollOut(Deployment("whoami:v2"));
        KubeObject first = ReplicaSets()[0];

        // What kubectl rollout undo PATCHes (application/json-patch+json): revision 1's template as Go
        // writes it back (creationTimestamp: null, resources: {}) without its hash label, and the annotations.
        JsonArray patch = (JsonArray)JsonNode.Parse("""
            [{"op": "replace", "path": "/spec/template",
              "value": {"metadata": {"creationTimestamp": null, "labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "whoami:v1", "resources": {}}]}}},
             {"op": "replace", "path": "/metadata/annotations", "value": {"deployment.kubernetes.io/revision": "2"}}]
            """)!;
        KubeObject deployment = _store.Get("Deployment", "default", "web")!;
        _store.Update(new KubeObject(JsonPatch.Apply((JsonObject)deployment.Json.DeepClone(), patch)));
        Settle();

        List<KubeObject> sets = ReplicaSets();
        Assert.Equal(2, sets.Count);
        Assert.Equal((first.Name, (string?)first.Metadata["uid"], 3L, 2), (sets[1].Name, (string?)sets[1].Metadata["uid"], ReplicaSetHistory.Revision(sets[1]), JsonNumbers.AsInt(sets[1].Spec!["replicas"])));
        Assert.Equal(("whoami:v2", 2L, 0), (Image(sets[0]), ReplicaSetHistory.Revision(sets[0]), JsonNumbers.AsInt(sets[0].Spec!["replicas"])));
        Assert.Equal(3, ReplicaSetHistory.Revision(_store.Get("Deployment", "default", "web")!));
        Assert.All(_store.List("Pod", "default").Items, p => Assert.Equal(first.Labels["pod-template-hash"], p.Labels["pod-template-hash"]));
    }

    [Fact]
    public void Old_replica_sets_beyond_the_history_limit_go_oldest_first()
    {
        foreach (string version in new[] { "v1", "v2", "v3", "v4" })
        {
            RollOut(Deployment($"whoami:{version}", historyLimit: 2));
        }

        Assert.Equal([("whoami:v2", 2L), ("whoami:v3", 3L), ("whoami:v4", 4L)], ReplicaSets().Select(rs => (Image(rs), ReplicaSetHistory.Revision(rs))));

        _store.Delete("Deployment", "default", "web");
        _controllers.ReconcileUntilSettled();
        Assert.Empty(ReplicaSets()); // gone with their deployment
    }

    [Fact]
    public void Replica_sets_print_kubectls_columns()
    {
        RollOut(Deployment("whoami:v1"));
        KubeObject rs = ReplicaSets()[0];
        var table = Edge.Host.Printing.ResourceColumns.For("ReplicaSet");

        Assert.Equal(["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"], table.HeaderLine(withNamespace: false, wide: true));
        Assert.Equal([rs.Name, "2", "2", "2"], table.Line(rs, _now, withNamespace: false, wide: false)[..4]);
        Assert.Equal(["web", "whoami:v1", $"app=web,pod-template-hash={rs.Labels["pod-template-hash"]}"], table.Line(rs, _now, withNamespace: false, wide: true)[5..]);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
