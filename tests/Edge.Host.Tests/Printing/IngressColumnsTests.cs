using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Host.Tests.Printing;

/// <summary>`get ingress` and `get ingressclass` cells as kubectl's printers make them.</summary>
[Trait("Category", Category.Unit)]
public sealed class IngressColumnsTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 9, 0, 0, DateTimeKind.Utc);

    private static string[] Row(string json) =>
        ResourceColumns.For(((string?)JsonNode.Parse(json)!["kind"])!).Row(new KubeObject((JsonObject)JsonNode.Parse(json)!), Now);

    private static string Hosts(params string[] hosts)
    {
        var rules = new JsonArray(hosts.Select(h => (JsonNode)new JsonObject { ["host"] = h }).ToArray());
        var ingress = new JsonObject { ["kind"] = "Ingress", ["metadata"] = new JsonObject { ["name"] = "x" }, ["spec"] = new JsonObject { ["rules"] = rules } };
        return Row(ingress.ToJsonString())[2];
    }

    [Fact]
    public void Hosts_are_the_first_three_named_then_how_many_rules_more()
    {
        Assert.Equal("*", Hosts());
        Assert.Equal("*", Hosts(""));
        Assert.Equal("a.example.com,b.example.com", Hosts("a.example.com", "", "b.example.com"));
        Assert.Equal("a,b,c + 2 more...", Hosts("a", "b", "c", "d", "e"));
        Assert.Equal("a,b,c + 2 more...", Hosts("", "a", "b", "c", "d")); // kubectl counts rules, not hosts
        Assert.Equal("a,b,c", Hosts("a", "b", "c"));
    }

    [Fact]
    public void The_address_is_every_ip_or_hostname_once_in_text_order_and_ports_say_443_with_TLS()
    {
        string[] row = Row("""
            {"kind": "Ingress", "metadata": {"name": "x"}, "spec": {"tls": [{"hosts": ["a"]}]},
             "status": {"loadBalancer": {"ingress": [{"ip": "192.168.50.9"}, {"hostname": "lb.example.com"}, {"ip": "192.168.50.10"}, {"ip": "192.168.50.9"}]}}}
            """);

        Assert.Equal(["x", "<none>", "*", "192.168.50.10,192.168.50.9,lb.example.com", "80, 443"], row[..5]);
    }

    [Fact]
    public void An_ingress_class_shows_its_controller_and_parameters_as_kind_group_and_name()
    {
        Assert.Equal(["nginx", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb"],
            Row("""{"kind": "IngressClass", "metadata": {"name": "nginx"}, "spec": {"controller": "k8s.io/ingress-nginx", "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"}}}""")[..3]);
        Assert.Equal(["core", "example.com/x", "ConfigMap/settings"],
            Row("""{"kind": "IngressClass", "metadata": {"name": "core"}, "spec": {"controller": "example.com/x", "parameters": {"kind": "ConfigMap", "name": "settings"}}}""")[..3]);
        Assert.Equal("<none>", Row("""{"kind": "IngressClass", "metadata": {"name": "edge"}, "spec": {"controller": "edge.dev/ingress-controller"}}""")[2]);
    }
}
