using System.Text.Json.Nodes;
using Edge.Host.Allocation;
using Edge.Host.Cluster;
using Edge.Host.Controllers;
using Edge.Host.Objects;
using Edge.Host.Printing;
using Edge.Host.Store;

namespace Edge.Host.Tests.Controllers;

/// <summary>
/// The addresses of the Ingresses Edge serves, kept by the controllers over a real store while
/// the test plays the boards: every Ready node's, as nodes come and go and Ingresses are made.
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class IngressStatusControllerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-ingress-status-").FullName;
    private readonly ObjectStore _store;
    private readonly ClusterReconciler _controllers;
    private DateTime _now = new(2026, 12, 5, 9, 0, 0, DateTimeKind.Utc);

    public IngressStatusControllerTests()
    {
        _store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
        DefaultIngressClass.Seed(_store);
        _store.Create(Objects("""{"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "nginx"}, "spec": {"controller": "k8s.io/ingress-nginx"}}"""));
        // Addresses whose text order is not their numeric order: the status lists them as ingress-nginx does, by text.
        foreach ((string name, string address) in new[] { ("node-1", "192.168.50.9"), ("node-2", "192.168.50.10"), ("node-3", "192.168.50.11") })
        {
            _store.Create(Objects($$$"""
                {"kind": "Node", "metadata": {"name": "{{{name}}}"}, "spec": {"podCIDR": "10.244.{{{name[^1]}}}.0/24"},
                 "status": {"addresses": [{"type": "InternalIP", "address": "{{{address}}}"}, {"type": "Hostname", "address": "{{{name}}}"}]}}
                """));
        }

        _controllers = new ClusterReconciler(_store, new ClusterNetwork(), new Random(42), () => _now, NodeLifecycleSettings.Workshop);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static KubeObject Objects(string json) => new((JsonObject)JsonNode.Parse(json)!);

    private void Heartbeat(params string[] nodes)
    {
        foreach (string node in nodes)
        {
            _controllers.RecordHeartbeat(node, _now);
        }

        _controllers.ReconcileUntilSettled();
    }

    private void CreateIngress(string name, string? className, bool tls = false)
    {
        KubeObject ingress = Objects("""
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"namespace": "default"},
             "spec": {"rules": [{"host": "web.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                      "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
            """);
        ingress.Metadata["name"] = name;
        ingress.Spec!["ingressClassName"] = className;
        if (tls)
        {
            ingress.Spec["tls"] = JsonNode.Parse("""[{"hosts": ["web.example.com"], "secretName": "web-tls"}]""");
        }

        _store.Create(ingress);
    }

    private List<string> Addresses(string ingress) =>
        (_store.Get("Ingress", "default", ingress)!.Json["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).Select(i => (string)i!["ip"]!).ToList();

    private string[] GetIngressLine(string ingress) =>
        ResourceColumns.For("Ingress").Line(_store.Get("Ingress", "default", ingress)!, _now, withNamespace: false, wide: false);

    [Fact]
    public void An_ingress_Edge_serves_is_reached_at_every_Ready_node_and_follows_them()
    {
        Heartbeat("node-1", "node-2", "node-3");
        CreateIngress("web", "edge", tls: true);
        CreateIngress("default-class", className: null);
        _controllers.ReconcileUntilSettled();

        Assert.Equal(["192.168.50.10", "192.168.50.11", "192.168.50.9"], Addresses("web"));
        Assert.Equal(["192.168.50.10", "192.168.50.11", "192.168.50.9"], Addresses("default-class"));
        Assert.Equal(["web", "edge", "web.example.com", "192.168.50.10,192.168.50.11,192.168.50.9", "80, 443"], GetIngressLine("web")[..5]);
        Assert.Equal("80", GetIngressLine("default-class")[4]);

        _now = _now.AddSeconds(6);
        Heartbeat("node-1", "node-3"); // node-2 goes silent: NotReady
        Assert.Equal(["192.168.50.11", "192.168.50.9"], Addresses("web"));

        Heartbeat("node-1", "node-2", "node-3"); // and comes back
        Assert.Equal(["192.168.50.10", "192.168.50.11", "192.168.50.9"], Addresses("web"));
        Assert.Equal(0, _controllers.ReconcileOnce()); // settled: the same nodes, nothing rewritten
    }

    [Fact]
    public void With_no_Ready_node_an_ingress_has_no_address()
    {
        CreateIngress("web", "edge");
        _controllers.ReconcileUntilSettled(); // a control plane gives every node its grace period from its start: Ready
        Assert.Equal(3, Addresses("web").Count);

        _now = _now.AddSeconds(6);
        _controllers.ReconcileUntilSettled(); // and no board has said a word since: all NotReady

        Assert.Equal("""{"loadBalancer":{}}""", _store.Get("Ingress", "default", "web")!.Json["status"]!.ToJsonString());
        Assert.Equal("", GetIngressLine("web")[3]);
    }

    [Fact]
    public void Another_controllers_ingress_is_left_alone()
    {
        Heartbeat("node-1", "node-2", "node-3");
        CreateIngress("theirs", "nginx");
        KubeObject theirs = _store.Get("Ingress", "default", "theirs")!;
        theirs.Json["status"] = JsonNode.Parse("""{"loadBalancer": {"ingress": [{"hostname": "lb.example.com"}]}}""");
        _store.Update(theirs);
        CreateIngress("unknown-class", "traefik");

        _controllers.ReconcileUntilSettled();

        Assert.Equal("""{"loadBalancer":{"ingress":[{"hostname":"lb.example.com"}]}}""", _store.Get("Ingress", "default", "theirs")!.Json["status"]!.ToJsonString());
        Assert.Null(_store.Get("Ingress", "default", "unknown-class")!.Json["status"]);
    }

    [Fact]
    public void An_ingress_Edge_stops_serving_loses_the_addresses_Edge_gave_it()
    {
        Heartbeat("node-1", "node-2", "node-3");
        CreateIngress("web", "edge");
        _controllers.ReconcileUntilSettled();
        Assert.Equal(3, Addresses("web").Count);

        _store.Delete("IngressClass", "", "edge");
        _controllers.ReconcileUntilSettled();

        Assert.Empty(Addresses("web"));
        Assert.Equal("", GetIngressLine("web")[3]);
    }
    private List<string> Warnings(string ingress) =>
        _store.List("Event", "default").Items
            .Where(e => (string?)e.Json["involvedObject"]?["name"] == ingress && (string?)e.Json["type"] == "Warning")
            .Select(e => $"{(string?)e.Json["reason"]}: {(string?)e.Json["message"]}")
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void A_backend_that_is_not_there_is_said_once_as_a_warning_on_the_ingress_edge_serves()
    {
        _store.Create(Objects("""{"kind": "Service", "metadata": {"name": "web", "namespace": "default"}, "spec": {"ports": [{"name": "http", "port": 80}]}}"""));
        KubeObject ingress = Objects("""
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "shop", "namespace": "default"},
             "spec": {"ingressClassName": "edge", "defaultBackend": {"service": {"name": "web", "port": {"name": "http"}}},
                      "rules": [{"host": "shop.lab", "http": {"paths": [
                        {"path": "/cart", "pathType": "Prefix", "backend": {"service": {"name": "cart", "port": {"number": 80}}}},
                        {"path": "/web", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 8080}}}},
                        {"path": "/named", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"name": "https"}}}},
                        {"path": "/fine", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
            """);
        _store.Create(ingress);
        CreateIngress("theirs", "nginx"); // another controller's: its backends are not Edge's to judge
        _store.Create(Objects("""
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "theirs-missing", "namespace": "default"},
             "spec": {"ingressClassName": "nginx", "defaultBackend": {"service": {"name": "nowhere", "port": {"number": 80}}}}}
            """));
        Heartbeat("node-1");
        _controllers.ReconcileUntilSettled();
        Heartbeat("node-1"); // a pass more: nothing said twice

        Assert.Equal(
        [
            "BackendNotFound: service \"default/cart\" not found: host shop.lab path /cart answers 503 until it exists",
            "BackendNotFound: service \"default/web\" has no port 8080: host shop.lab path /web answers 503",
            "BackendNotFound: service \"default/web\" has no port named \"https\": host shop.lab path /named answers 503",
        ], Warnings("shop"));
        Assert.Empty(Warnings("theirs-missing"));
    }

    [Fact]
    public void TLS_that_cannot_be_served_is_said_once_as_warnings_on_the_ingress()
    {
        _store.Create(Objects("""{"kind": "Service", "metadata": {"name": "web", "namespace": "default"}, "spec": {"ports": [{"port": 80}]}}"""));
        CreateIngress("web", "edge", tls: true); // names web-tls, which is not there
        foreach (KubeObject node in _store.List("Node").Items)
        {
            node.Json["status"]!["allocatable"] = new JsonObject { ["edge.dev/tls-sessions"] = "0", ["pods"] = "8" }; // WROOM boards
            _store.Update(node);
        }

        Heartbeat("node-1", "node-2");
        Heartbeat("node-1", "node-2"); // a pass more: nothing said twice

        Assert.Equal(
        [
            "SecretNotFound: spec.tls[0]: secret \"default/web-tls\" not found: no board has a certificate for web.example.com until it exists (kubectl create secret tls web-tls -n default --cert=tls.crt --key=tls.key)",
            "TLSNotTerminated: no board in this cluster terminates TLS: every Ready node has edge.dev/tls-sessions 0 (WROOM boards take none), so https is not served and HTTP is served without the redirect; a WROVER board or a virtual board terminates it",
        ], Warnings("web"));
    }
}
