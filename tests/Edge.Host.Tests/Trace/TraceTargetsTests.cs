using System.Text.Json.Nodes;
using Edge.Dataplane.Wire;
using Edge.Host.Objects;
using Edge.Host.Store;
using Edge.Host.Trace;

namespace Edge.Host.Tests.Trace;

/// <summary>
/// Names as `edgectl trace` takes them: a pod or node to start from; a pod, Service (at its
/// ClusterIP and a port, by number or name), node or address to go to; and for what cannot be
/// traced, an error that says what to do.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class TraceTargetsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-trace-").FullName;
    private readonly ObjectStore _store;

    public TraceTargetsTests()
    {
        _store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
        _store.Create(Object("Node", "node-1", null, status: new JsonObject { ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = "192.168.50.11" }) }));
        _store.Create(Object("Pod", "client", new JsonObject { ["nodeName"] = "node-1", ["containers"] = new JsonArray() }, new JsonObject { ["podIP"] = "10.244.1.2" }));
        _store.Create(Object("Pod", "pending", new JsonObject { ["containers"] = new JsonArray() }));
        _store.Create(Object("Service", "web", new JsonObject
        {
            ["clusterIP"] = "10.96.0.20",
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80 }, new JsonObject { ["name"] = "dns", ["port"] = 53, ["protocol"] = "UDP" }),
        }));
        _store.Create(Object("Service", "db", new JsonObject { ["clusterIP"] = "None", ["ports"] = new JsonArray(new JsonObject { ["port"] = 5432 }) }));
        _store.Create(Object("Pod", "web", new JsonObject { ["nodeName"] = "node-1", ["containers"] = new JsonArray() }, new JsonObject { ["podIP"] = "10.244.1.3" }));
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static KubeObject Object(string kind, string name, JsonObject? spec, JsonObject? status = null) => new(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = spec ?? new JsonObject(),
        ["status"] = status ?? new JsonObject(),
    });

    [Fact]
    public void A_Service_is_called_at_its_ClusterIP_on_its_first_port_or_the_one_named_with_its_protocol()
    {
        TraceDestination first = TraceTargets.Destination(_store, "svc/web", "default", null);
        Assert.Equal(("svc/web:80", "10.96.0.20", IpProtocol.Tcp, 80), (first.Described, Ipv4Address.Format(first.Address), first.Protocol, first.Port));
        TraceDestination dns = TraceTargets.Destination(_store, "service/web", "default", "dns");
        Assert.Equal((IpProtocol.Udp, 53), (dns.Protocol, dns.Port));
        Assert.Contains("port 53 is UDP, not TCP", Assert.Throws<TraceException>(() => TraceTargets.Destination(_store, "svc/web", "default", "53/TCP")).Message, StringComparison.Ordinal);
        Assert.Contains("has no port 8080 (it has 80 (http), 53 (dns))", Assert.Throws<TraceException>(() => TraceTargets.Destination(_store, "svc/web", "default", "8080")).Message, StringComparison.Ordinal);
        Assert.Contains("headless", Assert.Throws<TraceException>(() => TraceTargets.Destination(_store, "svc/db", "default", null)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pods_nodes_and_addresses_are_pinged_without_a_port_and_a_bare_name_of_two_kinds_must_say_which()
    {
        TraceDestination node = TraceTargets.Destination(_store, "node-1", "default", null);
        Assert.Equal(("node/node-1", "192.168.50.11", IpProtocol.Icmp), (node.Described, Ipv4Address.Format(node.Address), node.Protocol));
        TraceDestination address = TraceTargets.Destination(_store, "1.1.1.1", "default", "53/udp");
        Assert.Equal(("1.1.1.1:53", IpProtocol.Udp), (address.Described, address.Protocol));
        Assert.Equal("web is a pod and a svc: say which (pod/web or svc/web)", Assert.Throws<TraceException>(() => TraceTargets.Destination(_store, "web", "default", "80")).Message);
        Assert.Equal("10.244.1.3", Ipv4Address.Format(TraceTargets.Destination(_store, "pod/web", "default", "80").Address));
        Assert.Contains("give a port number", Assert.Throws<TraceException>(() => TraceTargets.Destination(_store, "pod/web", "default", "http")).Message, StringComparison.Ordinal);
        Assert.Contains("SCTP is not traced", Assert.Throws<TraceException>(() => TraceTargets.Destination(_store, "pod/web", "default", "80/SCTP")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_starts_from_a_running_pod_or_a_node()
    {
        Assert.Equal(new TraceSource("node-1", "default", "client", "10.244.1.2"), TraceTargets.Source(_store, "client", "default"));
        Assert.Equal(new TraceSource("node-1", null, null, "192.168.50.11"), TraceTargets.Source(_store, "node/node-1", "default"));
        Assert.Contains("has no address yet (is it Running?", Assert.Throws<TraceException>(() => TraceTargets.Source(_store, "pending", "default")).Message, StringComparison.Ordinal);
        Assert.Contains("a trace starts from a pod (pod/NAME) or a node", Assert.Throws<TraceException>(() => TraceTargets.Source(_store, "nosuch", "default")).Message, StringComparison.Ordinal);
    }
}
