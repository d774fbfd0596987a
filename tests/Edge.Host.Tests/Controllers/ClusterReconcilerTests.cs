using System.Text.Json.Nodes;
using Edge.Host.Allocation;
using Edge.Host.Controllers;
using Edge.Host.Manifests;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Host.Tests.Controllers;

/// <summary>The controllers over a real store, with boards played by the test: reporting pods running, going silent.</summary>
[Trait("Category", Category.Simulation)]
public sealed class ClusterReconcilerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-reconcile-").FullName;
    private readonly ObjectStore _store;
    private readonly ClusterReconciler _controllers;
    private DateTime _now = new(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);

    public ClusterReconcilerTests()
    {
        _store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
        for (int n = 1; n <= 3; n++)
        {
            _store.Create(new KubeObject(new JsonObject
            {
                ["kind"] = "Node",
                ["metadata"] = new JsonObject { ["name"] = $"node-{n}" },
                ["spec"] = new JsonObject { ["podCIDR"] = $"10.244.{n}.0/24" },
                ["status"] = new JsonObject { ["allocatable"] = new JsonObject { ["pods"] = "2" } },
            }));
        }

        _controllers = new ClusterReconciler(_store, new ClusterNetwork(), new Random(42), () => _now, NodeLifecycleSettings.Workshop);
        Heartbeat("node-1", "node-2", "node-3");
    }

    private void Heartbeat(params string[] nodes)
    {
        foreach (string node in nodes)
        {
            _controllers.RecordHeartbeat(node, _now);
        }

        _controllers.ReconcileUntilSettled();
    }

    private void ApplyExample(string file)
    {
        var (docs, problems) = ManifestReader.Read(RepoPaths.Of("examples", file));
        Assert.Empty(problems);
        foreach (ManifestDocument doc in docs)
        {
            _store.Apply(doc.Object);
        }
    }

    private List<KubeObject> Pods(string prefix) => _store.List("Pod", "default").Items.Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    /// <summary>What a board's agent reports once it runs a pod: Running, its IP, Ready.</summary>
    private void BoardsReportRunning()
    {
        foreach (KubeObject pod in _store.List("Pod").Items.Where(p => p.Spec?["nodeName"] != null && (string?)p.Json["status"]?["phase"] != "Running"))
        {
            pod.Json["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["podIP"] = (string?)pod.Json["status"]!["podIP"],
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
            };
            _store.Update(pod);
        }

        _controllers.ReconcileUntilSettled();
    }

    private List<string> ReadyEndpoints(string service) =>
        ((_store.Get("Endpoints", "default", service)?.Json["subsets"] as JsonArray) ?? [])
            .SelectMany(s => s!["addresses"] as JsonArray ?? []).Select(a => (string)a!["targetRef"]!["name"]!).Order().ToList();

    [Fact]
    public void A_deployment_spreads_over_the_boards_and_its_service_gets_an_address_and_endpoints()
    {
        ApplyExample("web.yaml");
        _controllers.ReconcileUntilSettled();

        List<KubeObject> pods = Pods("web-");
        Assert.Equal(3, pods.Count);
        Assert.Equal(["node-1", "node-2", "node-3"], pods.Select(p => (string)p.Spec!["nodeName"]!).Order());
        Assert.Equal(["10.244.1.2", "10.244.2.2", "10.244.3.2"], pods.Select(p => (string)p.Json["status"]!["podIP"]!).Order());
        KubeObject service = _store.Get("Service", "default", "web")!;
        Assert.Equal("10.96.0.2", (string?)service.Spec!["clusterIP"]);
        Assert.Empty(ReadyEndpoints("web")); // nothing reported running yet

        BoardsReportRunning();

        Assert.Equal(pods.Select(p => p.Name).Order(), ReadyEndpoints("web"));
        Assert.Equal(3, JsonNumbers.AsInt(_store.Get("Deployment", "default", "web")!.Json["status"]!["readyReplicas"]));
        Assert.Equal(0, _controllers.ReconcileOnce()); // settled: a pass with nothing to do writes nothing
    }

    [Fact]
    public void A_board_that_goes_silent_loses_its_pods_to_the_others()
    {
        ApplyExample("web.yaml");
        _controllers.ReconcileUntilSettled();
        BoardsReportRunning();
        string lost = Pods("web-").Single(p => (string?)p.Spec!["nodeName"] == "node-2").Name;

        _now = _now.AddSeconds(6);
        Heartbeat("node-1", "node-3"); // node-2's cable is pulled
        KubeObject node2 = _store.Get("Node", "", "node-2")!;
        Assert.Equal("Unknown", (string?)node2.Json["status"]!["conditions"]![0]!["status"]);
        // Its pods stop being Ready at once (other boards stop sending them traffic) but stay
        // until the eviction grace period has run: the board may only be rebooting.
        Assert.DoesNotContain(lost, ReadyEndpoints("web"));
        Assert.Contains(Pods("web-"), p => p.Name == lost);
        Assert.Equal("NodeNotReady", (string?)_store.Get("Pod", "default", lost)!.Json["status"]!["conditions"]!.AsArray().First(c => (string?)c!["type"] == "Ready")!["reason"]);
        Assert.Contains(_store.List("Event", "default").Items, e => (string?)e.Json["reason"] == "NodeNotReady" && (string?)e.Json["involvedObject"]!["name"] == "node-2");

        _now = _now.AddSeconds(15);
        Heartbeat("node-1", "node-3");

        List<KubeObject> pods = Pods("web-");
        Assert.DoesNotContain(pods, p => p.Name == lost);
        Assert.Equal(3, pods.Count);
        Assert.DoesNotContain(pods, p => (string?)p.Spec!["nodeName"] == "node-2");
        Assert.DoesNotContain(lost, ReadyEndpoints("web"));

        BoardsReportRunning();
        Assert.Equal(3, ReadyEndpoints("web").Count);
    }

    [Fact]
    public void A_LoadBalancer_is_reachable_on_every_Ready_node_address_as_with_ServiceLB()
    {
        foreach (KubeObject node in _store.List("Node").Items)
        {
            node.Json["status"]!["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = $"192.168.50.1{node.Name[^1]}" });
            _store.Update(node);
        }

        ApplyExample("loadbalancer.yaml");
        Heartbeat("node-1", "node-2", "node-3");
        Assert.Equal(["192.168.50.11", "192.168.50.12", "192.168.50.13"], LoadBalancerIngress());

        _now = _now.AddSeconds(6);
        Heartbeat("node-1", "node-3"); // node-2 goes silent
        Assert.Equal(["192.168.50.11", "192.168.50.13"], LoadBalancerIngress());
    }

    private List<string> LoadBalancerIngress() =>
        (_store.Get("Service", "default", "counter")!.Json["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).Select(i => (string)i!["ip"]!).ToList();

    [Fact]
    public void Pods_that_fit_nowhere_wait_with_a_FailedScheduling_event()
    {
        ApplyExample("web.yaml");
        KubeObject deployment = _store.Get("Deployment", "default", "web")!;
        deployment.Spec!["replicas"] = 7; // three boards of two pods each
        _store.Update(deployment);

        _controllers.ReconcileUntilSettled();

        KubeObject waiting = Assert.Single(Pods("web-"), p => p.Spec!["nodeName"] == null);
        Assert.Equal("0/3 nodes are available: 3 Too many pods.", (string?)waiting.Json["status"]!["conditions"]![0]!["message"]);
        Assert.Contains(_store.List("Event", "default").Items, e => (string?)e.Json["reason"] == "FailedScheduling" && (string?)e.Json["involvedObject"]!["name"] == waiting.Name);
    }

    [Fact]
    public void A_pod_that_requests_more_memory_than_any_board_offers_stays_Pending_with_kube_schedulers_message()
    {
        foreach (KubeObject node in _store.List("Node").Items)
        {
            node.Json["status"]!["allocatable"]!["memory"] = node.Name == "node-1" ? "9Ki" : "768Ki";
            _store.Update(node);
        }

        ApplyExample("web.yaml");
        KubeObject deployment = _store.Get("Deployment", "default", "web")!;
        deployment.Spec!["template"]!["spec"]!["containers"]![0]!["resources"] = JsonNode.Parse("""{"requests": {"memory": "1Mi"}}""");
        _store.Update(deployment);
        _controllers.ReconcileUntilSettled();

        List<KubeObject> waiting = Pods("web-").Where(p => p.Spec!["nodeName"] == null).ToList();
        Assert.NotEmpty(waiting);
        Assert.All(waiting, p => Assert.Equal("0/3 nodes are available: 3 Insufficient memory.", (string?)p.Json["status"]!["conditions"]![0]!["message"]));
        Assert.All(waiting, p => Assert.Equal("Pending", (string?)p.Json["status"]!["phase"]));
    }

    [Fact]
    public void A_deployment_whose_pods_a_LimitRange_forbids_says_FailedCreate_once_and_makes_them_when_the_range_allows()
    {
        _store.Create(new KubeObject((JsonObject)JsonNode.Parse("""
            {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "small", "namespace": "default"},
             "spec": {"limits": [{"type": "Container", "max": {"memory": "1Ki"}}]}}
            """)!));
        ApplyExample("web.yaml");
        KubeObject deployment = _store.Get("Deployment", "default", "web")!;
        deployment.Spec!["template"]!["spec"]!["containers"]![0]!["resources"] = JsonNode.Parse("""{"limits": {"memory": "2Ki"}}""");
        _store.Update(deployment);

        for (int pass = 0; pass < 3; pass++)
        {
            _now = _now.AddSeconds(5);
            _controllers.ReconcileUntilSettled();
        }

        Assert.Empty(Pods("web-"));
        KubeObject failed = Assert.Single(_store.List("Event", "default").Items, e => (string?)e.Json["reason"] == "FailedCreate");
        Assert.Equal("ReplicaSet", (string?)failed.Json["involvedObject"]!["kind"]); // the revision's, as the replicaset controller says it
        Assert.Matches("""^Error creating: pods "web-[a-z0-9]+-" is forbidden: maximum memory usage per Container is 1Ki, but limit is 2Ki$""", (string?)failed.Json["message"]);

        KubeObject range = _store.Get("LimitRange", "default", "small")!;
        range.Spec!["limits"]![0]!["max"]!["memory"] = "4Ki";
        range.Spec!["limits"]![0]!["default"]!["memory"] = "4Ki";
        range.Spec!["limits"]![0]!["defaultRequest"]!["memory"] = "4Ki";
        _store.Update(range);
        _controllers.ReconcileUntilSettled();

        Assert.NotEmpty(Pods("web-"));
    }

    [Fact]
    public void A_pod_whose_ConfigMap_is_missing_waits_with_CreateContainerConfigError_and_starts_once_it_is_there()
    {
        _store.Apply(new KubeObject((JsonObject)JsonNode.Parse("""
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "greeter", "namespace": "default"},
             "spec": {"containers": [{"name": "app", "image": "hello", "env": [{"name": "GREETING", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "greeting"}}}]}]}}
            """)!));
        _controllers.ReconcileUntilSettled();

        KubeObject pod = _store.Get("Pod", "default", "greeter")!;
        JsonNode waiting = pod.Json["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!;
        Assert.Equal(("CreateContainerConfigError", "configmap \"settings\" not found"), ((string?)waiting["reason"], (string?)waiting["message"]));
        Assert.Equal("Pending", (string?)pod.Json["status"]!["phase"]);
        Assert.Single(_store.List("Event", "default").Items, e => (string?)e.Json["reason"] == "Failed" && (string?)e.Json["message"] == "Error: configmap \"settings\" not found");
        string node = (string)pod.Spec!["nodeName"]!;
        Assert.DoesNotContain(Compiled(node).Pods, p => p.Name == "greeter"); // the board is not given it

        _store.Create(new KubeObject((JsonObject)JsonNode.Parse("""{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "default"}, "data": {"greeting": "hi"}}""")!));
        _controllers.ReconcileUntilSettled();

        Assert.Null(_store.Get("Pod", "default", "greeter")!.Json["status"]!["containerStatuses"]);
        Assert.Contains(Compiled(node).Pods, p => p.Name == "greeter");
    }

    private Edge.Dataplane.Mgmt.DesiredState Compiled(string node) =>
        Edge.Host.Compile.BoardStateCompiler.Compile(node, _store.List("Node").Items, _store.List("Pod").Items, _store.List("Service").Items, _store.List("Endpoints").Items, new ClusterNetwork(), 1);

    [Fact]
    public void A_restarted_control_plane_carries_on_without_touching_running_pods()
    {
        ApplyExample("web.yaml");
        _controllers.ReconcileUntilSettled();
        BoardsReportRunning();
        long version = _store.ResourceVersion;

        var restarted = new ClusterReconciler(_store, new ClusterNetwork(), new Random(7), () => _now, NodeLifecycleSettings.Workshop);
        foreach (string node in new[] { "node-1", "node-2", "node-3" })
        {
            restarted.RecordHeartbeat(node, _now);
        }

        Assert.Equal(0, restarted.ReconcileUntilSettled());
        Assert.Equal(version, _store.ResourceVersion);

        _store.Apply(new KubeObject((JsonObject)JsonNode.Parse("""{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "other"}, "spec": {"ports": [{"port": 80}], "selector": {"app": "x"}}}""")!));
        restarted.ReconcileUntilSettled();
        Assert.Equal("10.96.0.3", (string?)_store.Get("Service", "default", "other")!.Spec!["clusterIP"]); // .2 is web's, replayed from the store
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
