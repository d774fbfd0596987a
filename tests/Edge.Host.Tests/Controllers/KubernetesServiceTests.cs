using System.Net;
using System.Text.Json.Nodes;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Host.Allocation;
using Edge.Host.Compile;
using Edge.Host.Controllers;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Host.Tests.Controllers;

/// <summary>
/// The kubernetes Service in default, kept by the controllers as kube-apiserver's bootstrap
/// controller keeps it: made on a fresh store, made again when deleted, put back when changed,
/// its address never another Service's, and a store where another Service already holds that
/// address left working and told.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class KubernetesServiceTests : IDisposable
{
    /// <summary>The API as `edgectl controlplane --listen 192.168.50.1:7443 --token ...` serves it on a workshop LAN.</summary>
    private static readonly IPEndPoint Api = new(IPAddress.Parse("192.168.50.1"), 7443);

    private readonly string _dir = Directory.CreateTempSubdirectory("edge-kubernetes-svc-").FullName;
    private readonly ObjectStore _store;
    private readonly DateTime _now = new(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);

    public KubernetesServiceTests() => _store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static KubeObject Obj(string json) => new((JsonObject)JsonNode.Parse(json)!);

    /// <summary>A control plane's controllers over the store (as ControlPlane makes them), run until they settle.</summary>
    private ClusterReconciler Controllers(IPEndPoint? api = null)
    {
        var controllers = new ClusterReconciler(_store, new ClusterNetwork(), new Random(42), () => _now, NodeLifecycleSettings.Workshop, api ?? Api);
        controllers.ReconcileUntilSettled();
        return controllers;
    }

    private KubeObject? Kubernetes(string kind = "Service") => _store.Get(kind, "default", "kubernetes");

    private List<KubeObject> Warnings(string service) => _store.List("Event", "default").Items
        .Where(e => (string?)e.Json["involvedObject"]?["name"] == service && (string?)e.Json["type"] == "Warning").ToList();

    [Fact]
    public void A_fresh_store_gets_the_service_as_kube_apiserver_makes_it()
    {
        Controllers();

        KubeObject service = Kubernetes()!;
        Assert.Equal(new Dictionary<string, string> { ["component"] = "apiserver", ["provider"] = "kubernetes" }, service.Labels);
        JsonObject spec = service.Spec!;
        Assert.Equal(("ClusterIP", "10.96.0.1", "None"), ((string?)spec["type"], (string?)spec["clusterIP"], (string?)spec["sessionAffinity"]));
        Assert.Equal("""["10.96.0.1"]""", spec["clusterIPs"]!.ToJsonString());
        Assert.Equal("""[{"name":"https","port":443,"protocol":"TCP","targetPort":7443}]""", spec["ports"]!.ToJsonString());
        Assert.Null(spec["selector"]);
    }

    [Fact]
    public void Its_endpoints_and_endpoint_slice_hold_the_address_and_port_the_API_is_served_at()
    {
        Controllers();

        KubeObject endpoints = Kubernetes("Endpoints")!;
        Assert.Equal("true", endpoints.Labels[KubernetesService.SkipMirrorLabel]);
        Assert.Equal("""[{"addresses":[{"ip":"192.168.50.1"}],"ports":[{"name":"https","port":7443,"protocol":"TCP"}]}]""", endpoints.Json["subsets"]!.ToJsonString());

        KubeObject slice = Kubernetes("EndpointSlice")!;
        Assert.Equal(new Dictionary<string, string> { [EndpointSliceBuilder.ServiceNameLabel] = "kubernetes" }, slice.Labels);
        Assert.Equal("IPv4", (string?)slice.Json["addressType"]);
        Assert.Equal("""[{"addresses":["192.168.50.1"],"conditions":{"ready":true}}]""", slice.Json["endpoints"]!.ToJsonString());
        Assert.Equal("""[{"name":"https","port":7443,"protocol":"TCP"}]""", slice.Json["ports"]!.ToJsonString());
    }

    [Fact]
    public void Once_made_a_pass_writes_nothing()
    {
        ClusterReconciler controllers = Controllers();
        long version = _store.ResourceVersion;

        Assert.Equal(0, controllers.ReconcileOnce());
        Assert.Equal(version, _store.ResourceVersion);
    }

    [Fact]
    public void A_deleted_service_comes_back_with_its_endpoints()
    {
        ClusterReconciler controllers = Controllers();
        string? uid = (string?)Kubernetes()!.Metadata["uid"];

        _store.Delete("Service", "default", "kubernetes");
        controllers.ReconcileUntilSettled();

        Assert.NotEqual(uid, (string?)Kubernetes()!.Metadata["uid"]);
        Assert.Equal("10.96.0.1", (string?)Kubernetes()!.Spec!["clusterIP"]);
        Assert.Equal("192.168.50.1", (string?)Kubernetes("Endpoints")!.Json["subsets"]![0]!["addresses"]![0]!["ip"]);
        Assert.NotNull(Kubernetes("EndpointSlice"));
    }

    [Fact]
    public void Deleted_or_changed_endpoints_are_put_back()
    {
        ClusterReconciler controllers = Controllers();
        KubeObject endpoints = Kubernetes("Endpoints")!;
        endpoints.Json["subsets"]![0]!["addresses"]![0]!["ip"] = "10.244.1.66";
        _store.Update(endpoints);
        _store.Delete("EndpointSlice", "default", "kubernetes");

        controllers.ReconcileUntilSettled();

        Assert.Equal("192.168.50.1", (string?)Kubernetes("Endpoints")!.Json["subsets"]![0]!["addresses"]![0]!["ip"]);
        Assert.Equal("192.168.50.1", (string?)Kubernetes("EndpointSlice")!.Json["endpoints"]![0]!["addresses"]![0]);
    }

    [Fact]
    public void A_changed_service_gets_its_type_address_ports_and_affinity_back_and_keeps_the_users_labels()
    {
        ClusterReconciler controllers = Controllers();
        KubeObject changed = Kubernetes()!;
        JsonObject spec = changed.Spec!;
        spec["type"] = "NodePort";
        spec["clusterIP"] = "10.96.0.77";
        spec["clusterIPs"] = new JsonArray("10.96.0.77");
        spec["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["targetPort"] = 8080, ["nodePort"] = 30080 });
        spec["sessionAffinity"] = "ClientIP";
        spec["selector"] = new JsonObject { ["app"] = "web" }; // the endpoints controller would take its Endpoints over
        changed.Metadata["labels"]!["provider"] = "someone";
        changed.Metadata["labels"]!["team"] = "workshop";
        _store.Update(changed);

        controllers.ReconcileUntilSettled();

        KubeObject restored = Kubernetes()!;
        Assert.Equal(("ClusterIP", "10.96.0.1", "None"), ((string?)restored.Spec!["type"], (string?)restored.Spec["clusterIP"], (string?)restored.Spec["sessionAffinity"]));
        Assert.Equal("""["10.96.0.1"]""", restored.Spec["clusterIPs"]!.ToJsonString());
        Assert.Equal("""[{"name":"https","port":443,"protocol":"TCP","targetPort":7443}]""", restored.Spec["ports"]!.ToJsonString());
        Assert.Null(restored.Spec["selector"]);
        Assert.Equal(("apiserver", "kubernetes", "workshop"), (restored.Labels["component"], restored.Labels["provider"], restored.Labels["team"]));
        Assert.Equal("192.168.50.1", (string?)Kubernetes("Endpoints")!.Json["subsets"]![0]!["addresses"]![0]!["ip"]); // not the selected pods'
    }

    [Fact]
    public void A_control_plane_serving_its_API_elsewhere_moves_the_endpoints_there()
    {
        Controllers();

        Controllers(new IPEndPoint(IPAddress.Loopback, 40123)); // restarted with another --listen

        Assert.Equal("""[{"addresses":[{"ip":"127.0.0.1"}],"ports":[{"name":"https","port":40123,"protocol":"TCP"}]}]""", Kubernetes("Endpoints")!.Json["subsets"]!.ToJsonString());
        Assert.Equal(40123, (int)Kubernetes()!.Spec!["ports"]![0]!["targetPort"]!);
    }

    [Fact]
    public void Without_an_API_there_is_no_kubernetes_service()
    {
        var controllers = new ClusterReconciler(_store, new ClusterNetwork(), new Random(42), () => _now, NodeLifecycleSettings.Workshop);
        controllers.ReconcileUntilSettled();

        Assert.Null(Kubernetes());
        Assert.Null(Kubernetes("Endpoints"));
    }

    [Fact]
    public void Its_address_is_never_given_to_another_service()
    {
        Controllers();
        _store.Apply(Obj("""{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}"""));
        Controllers();

        Assert.Equal("10.96.0.2", (string?)_store.Get("Service", "default", "web")!.Spec!["clusterIP"]); // .1 is the kubernetes service's
        var network = new ClusterNetwork();
        Assert.Throws<AllocationException>(() => network.AllocateServiceIp("10.96.0.1"));
        Assert.DoesNotContain(Enumerable.Range(0, 300).Select(_ => network.AllocateServiceIp(null)), ip => ip == network.ApiServiceIp);
    }

    [Fact]
    public void The_API_refuses_the_address_to_any_other_service_in_kube_apiservers_words()
    {
        var network = new ClusterNetwork();
        KubeObject asking = Obj("""{"kind": "Service", "metadata": {"name": "mine", "namespace": "default"}, "spec": {"clusterIP": "10.96.0.1", "ports": [{"port": 80}]}}""");
        KubeObject askingByList = Obj("""{"kind": "Service", "metadata": {"name": "mine", "namespace": "shop"}, "spec": {"clusterIPs": ["10.96.0.1"], "ports": [{"port": 80}]}}""");

        Assert.StartsWith("spec.clusterIPs: Invalid value: []string{\"10.96.0.1\"}: failed to allocate IP 10.96.0.1: provided IP is already allocated", KubernetesService.AddressProblem(asking, null, network));
        Assert.NotNull(KubernetesService.AddressProblem(askingByList, null, network));
        Assert.Null(KubernetesService.AddressProblem(KubernetesService.Service(network, 7443), null, network)); // the kubernetes service itself
        Assert.Null(KubernetesService.AddressProblem(asking, asking, network)); // one that already holds it keeps it through its updates
    }

    [Fact]
    public void A_store_where_a_users_service_holds_the_address_keeps_working_and_says_so_once()
    {
        // Written before the address was reserved: web holds 10.96.0.1.
        KubeObject web = _store.Create(Obj("""{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"}, "spec": {"clusterIP": "10.96.0.1", "selector": {"app": "web"}, "ports": [{"port": 80}]}}"""));
        string webJson = web.Json.ToJsonString();

        ClusterReconciler controllers = Controllers();
        controllers.ReconcileUntilSettled();
        controllers.ReconcileUntilSettled();

        Assert.Equal(webJson, _store.Get("Service", "default", "web")!.Json.ToJsonString()); // left as it is
        Assert.Null(Kubernetes()); // kube-apiserver could not allocate it either
        KubeObject warning = Assert.Single(Warnings("web"));
        Assert.Equal(KubernetesService.AddressTakenReason, (string?)warning.Json["reason"]);
        Assert.StartsWith("Cluster IP 10.96.0.1 is the kubernetes service's (default/kubernetes, where pods find the API), but this service holds it", (string?)warning.Json["message"]);
        Assert.Contains("recreate it without spec.clusterIP", (string?)warning.Json["message"]);

        // The user gives it back: web is made again with an address of its own, and the kubernetes service appears.
        _store.Delete("Service", "default", "web");
        web.Spec!.Remove("clusterIP");
        web.Metadata.Remove("resourceVersion");
        _store.Create(web);
        controllers.ReconcileUntilSettled();

        Assert.Equal("10.96.0.1", (string?)Kubernetes()!.Spec!["clusterIP"]);
        Assert.NotEqual("10.96.0.1", (string?)_store.Get("Service", "default", "web")!.Spec!["clusterIP"]);
    }

    [Fact]
    public void A_board_gets_the_service_as_a_table_entry_to_the_API_outside_the_pod_network_and_answers_its_name_from_it()
    {
        _store.Create(Obj("""{"kind": "Node", "metadata": {"name": "node-1"}, "spec": {"podCIDR": "10.244.1.0/24"}, "status": {"addresses": [{"type": "InternalIP", "address": "127.0.10.1"}]}}"""));
        Controllers();

        DesiredState state = BoardStateCompiler.Compile("node-1", _store.List("Node").Items, [], _store.List("Service").Items, _store.List("Endpoints").Items, new ClusterNetwork(), 1);

        Service entry = Assert.Single(state.Services, s => s.Namespace == "default" && s.Name == "kubernetes");
        Assert.Equal(("https", "10.96.0.1", 443, IpProtocol.Tcp), (entry.PortName, Ipv4Address.Format(entry.ClusterIp), (int)entry.Port, entry.Protocol));
        Assert.Equal(["192.168.50.1"], entry.EndpointAddresses.Select(Ipv4Address.Format));
        Assert.Equal([(ushort)7443], entry.EndpointPorts);
        Assert.Equal([(byte)(EndpointFlags.Ready | EndpointFlags.Serving)], entry.EndpointFlagBits); // no node runs it: never Local
        Assert.DoesNotContain(state.DnsServices, d => d.Name == "kubernetes"); // a ClusterIP service: DNS answers it from the table
    }

    [Fact]
    public void The_advertised_address_is_the_one_listened_on_or_when_that_is_every_address_the_default_routes()
    {
        IPAddress[] host = [IPAddress.Parse("::1"), IPAddress.Loopback, IPAddress.Parse("192.168.50.1")];

        Assert.Equal("127.0.0.1:7443", KubernetesService.Advertised(IPEndPoint.Parse("127.0.0.1:7443"), host).ToString());
        Assert.Equal("192.168.50.7:7443", KubernetesService.Advertised(IPEndPoint.Parse("192.168.50.7:7443"), host).ToString());
        Assert.Equal("192.168.50.1:7443", KubernetesService.Advertised(IPEndPoint.Parse("0.0.0.0:7443"), host).ToString());
        Assert.Equal("127.0.0.1:7443", KubernetesService.Advertised(IPEndPoint.Parse("0.0.0.0:7443"), []).ToString());
    }
}
