using System.Text.Json.Nodes;
using Edge.Host.Controllers;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Controllers;

[Trait("Category", Category.Unit)]
public sealed class EndpointsBuilderTests
{
    private static KubeObject Obj(string json) => new((JsonObject)JsonNode.Parse(json)!);

    private static KubeObject Pod(string name, string? ip, string app = "web", int httpPort = 8080, string phase = "Running", string? ready = null, string ns = "default")
    {
        var status = new JsonObject { ["phase"] = phase, ["podIP"] = ip };
        if (ready != null)
        {
            status["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready });
        }

        return new KubeObject(new JsonObject
        {
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = new JsonObject { ["app"] = app } },
            ["spec"] = new JsonObject
            {
                ["nodeName"] = "node-1",
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "c", ["image"] = "whoami",
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = (long)httpPort }),
                }),
            },
            ["status"] = status,
        });
    }

    private static KubeObject Service(string ports = """[{"name": "web", "port": 80, "targetPort": "http"}]""", string selector = """{"app": "web"}""") =>
        Obj("""{"kind": "Service", "metadata": {"name": "web", "namespace": "default", "labels": {"tier": "front"}}, "spec": {"selector": """
            + selector + """, "ports": """ + ports + "}}");

    [Fact]
    public void Ready_pods_are_addresses_and_the_rest_not_ready_addresses()
    {
        KubeObject endpoints = EndpointsBuilder.Build(Service(),
        [
            Pod("web-b", "10.244.2.5"),
            Pod("web-a", "10.244.1.4", ready: "True"),
            Pod("web-c", "10.244.3.6", ready: "False"),
            Pod("web-d", null, phase: "Pending"),           // no IP yet: not listed at all
            Pod("web-e", "10.244.1.9", phase: "Failed"),     // finished
            Pod("db-a", "10.244.1.7", app: "db"),            // not selected
            Pod("web-x", "10.244.1.8", ns: "other"),         // another namespace
        ])!;

        Assert.Equal("""
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"web","namespace":"default","labels":{"tier":"front"}},"subsets":[{"addresses":[{"ip":"10.244.1.4","nodeName":"node-1","targetRef":{"kind":"Pod","namespace":"default","name":"web-a"}},{"ip":"10.244.2.5","nodeName":"node-1","targetRef":{"kind":"Pod","namespace":"default","name":"web-b"}}],"notReadyAddresses":[{"ip":"10.244.3.6","nodeName":"node-1","targetRef":{"kind":"Pod","namespace":"default","name":"web-c"}}],"ports":[{"name":"web","port":8080,"protocol":"TCP"}]}]}
            """, endpoints.Json.ToJsonString());
    }

    [Fact]
    public void Each_subset_becomes_an_IPv4_EndpointSlice_labelled_with_its_service_ready_and_not_ready_endpoints_alike()
    {
        KubeObject endpoints = EndpointsBuilder.Build(Service(),
            [Pod("web-a", "10.244.1.4", ready: "True"), Pod("web-c", "10.244.3.6", ready: "False"), Pod("web-b", "10.244.2.5", httpPort: 9090, ready: "True")])!;

        List<KubeObject> slices = EndpointSliceBuilder.Build(endpoints);

        Assert.Equal(2, slices.Count);
        KubeObject first = slices[0];
        Assert.Matches("^web-[0-9a-f]{5}$", first.Name);
        Assert.NotEqual(first.Name, slices[1].Name);
        Assert.Equal(("discovery.k8s.io/v1", "EndpointSlice", "default", "IPv4"), (first.ApiVersion, first.Kind, first.Namespace, (string?)first.Json["addressType"]));
        Assert.Equal(("web", "endpointslice-controller.k8s.io", "front"),
            (first.Labels["kubernetes.io/service-name"], first.Labels["endpointslice.kubernetes.io/managed-by"], first.Labels["tier"]));
        Assert.Equal("""
            [{"addresses":["10.244.1.4"],"conditions":{"ready":true,"serving":true,"terminating":false},"nodeName":"node-1","targetRef":{"kind":"Pod","namespace":"default","name":"web-a"}},{"addresses":["10.244.3.6"],"conditions":{"ready":false,"serving":false,"terminating":false},"nodeName":"node-1","targetRef":{"kind":"Pod","namespace":"default","name":"web-c"}}]
            """, first.Json["endpoints"]!.ToJsonString());
        Assert.Equal("""[{"name":"web","port":8080,"protocol":"TCP"}]""", first.Json["ports"]!.ToJsonString());
        Assert.Equal(first.Name, EndpointSliceBuilder.Build(endpoints)[0].Name); // the same ports, the same name: nothing rewritten
    }

    [Fact]
    public void Pods_that_name_the_port_differently_land_in_separate_subsets()
    {
        KubeObject endpoints = EndpointsBuilder.Build(Service(), [Pod("a", "10.244.1.4"), Pod("b", "10.244.2.5", httpPort: 9090)])!;

        var subsets = (JsonArray)endpoints.Json["subsets"]!;
        Assert.Equal([8080, 9090], subsets.Select(s => (int)JsonNumbers.AsInt(s!["ports"]![0]!["port"])!));
    }

    [Fact]
    public void Numeric_and_missing_target_ports_and_a_pod_without_the_named_port()
    {
        KubeObject numeric = EndpointsBuilder.Build(Service("""[{"port": 80, "targetPort": 8080}, {"name": "dns", "port": 53, "protocol": "UDP"}]"""), [Pod("a", "10.244.1.4")])!;
        Assert.Equal("""[{"port":8080,"protocol":"TCP"},{"name":"dns","port":53,"protocol":"UDP"}]""", numeric.Json["subsets"]![0]!["ports"]!.ToJsonString());

        KubeObject none = EndpointsBuilder.Build(Service("""[{"port": 80, "targetPort": "metrics"}]"""), [Pod("a", "10.244.1.4")])!;
        Assert.Empty((JsonArray)none.Json["subsets"]!);
    }

    [Fact]
    public void Services_without_a_selector_or_of_type_ExternalName_are_left_alone()
    {
        Assert.Null(EndpointsBuilder.Build(Obj("""{"kind": "Service", "metadata": {"name": "x"}, "spec": {"ports": [{"port": 80}]}}"""), [Pod("a", "10.244.1.4")]));
        Assert.Null(EndpointsBuilder.Build(Obj("""{"kind": "Service", "metadata": {"name": "x"}, "spec": {"type": "ExternalName", "externalName": "db.example.com", "selector": {"app": "web"}}}"""), []));
    }
}
