using System.Text.Json.Nodes;
using Edge.Cli.Commands.Overlay;
using Edge.Host.Objects;

namespace Edge.Cli.Tests.Overlay;

/// <summary>The commands `overlay join --dry-run` prints: flannel's vxlan recipe, per Ready node.</summary>
[Trait("Category", Category.Unit)]
public sealed class OverlayPlanTests
{
    private static KubeObject Node(int n, bool ready, int? vxlanPort = null) => new((JsonObject)JsonNode.Parse($$$"""
        {"kind": "Node", "metadata": {"name": "node-{{{n}}}", "annotations": {{{(vxlanPort is int p ? $$"""{"edge.dev/vxlan-port": "{{p}}"}""" : "{}")}}}},
         "spec": {"podCIDR": "10.244.{{{n}}}.0/24"},
         "status": {"addresses": [{"type": "InternalIP", "address": "192.168.50.{{{10 + n}}}"}],
                    "conditions": [{"type": "Ready", "status": "{{{(ready ? "True" : "Unknown")}}}"}]}}
        """)!);

    [Fact]
    public void Every_Ready_node_gets_a_route_a_neighbour_and_an_fdb_entry_and_services_go_through_the_first()
    {
        List<string> plan = OverlayPlan.Join("edge0", null, "192.168.50.5", "10.250.0.0/24", 4789,
            [Node(2, ready: true, vxlanPort: 4790), Node(1, ready: true), Node(3, ready: false)], "10.96.0.0/16");

        Assert.Equal(
        [
            "ip link add edge0 type vxlan id 1 dstport 4789 local 192.168.50.5 nolearning",
            "ip link set edge0 address 02:ed:0a:fa:00:00",
            "ip addr add 10.250.0.0/32 dev edge0",
            "ip link set edge0 up",
            "ethtool -K edge0 tx off",
            "ip route add 10.244.1.0/24 via 10.244.1.0 dev edge0 onlink",
            "ip neigh add 10.244.1.0 lladdr 02:ed:0a:f4:01:00 dev edge0 nud permanent",
            "bridge fdb append 02:ed:0a:f4:01:00 dev edge0 dst 192.168.50.11",
            "ip route add 10.244.2.0/24 via 10.244.2.0 dev edge0 onlink",
            "ip neigh add 10.244.2.0 lladdr 02:ed:0a:f4:02:00 dev edge0 nud permanent",
            "bridge fdb append 02:ed:0a:f4:02:00 dev edge0 dst 192.168.50.12 port 4790",
            "ip route add 10.96.0.0/16 via 10.244.1.0 dev edge0 onlink",
        ], plan);
    }

    [Fact]
    public void In_a_namespace_every_command_runs_there_and_no_Ready_node_is_an_error()
    {
        List<string> plan = OverlayPlan.Join("edge0", "lab", "198.18.79.2", "10.250.3.0/24", 4789, [Node(1, ready: true)], "10.96.0.0/16");
        Assert.All(plan, c => Assert.Matches("^(ip -n lab |bridge -n lab |ip netns exec lab ethtool)", c));
        Assert.Contains("ip -n lab link set edge0 address 02:ed:0a:fa:03:00", plan);

        var none = Assert.Throws<CliException>(() => OverlayPlan.Join("edge0", null, "192.168.50.5", "10.250.0.0/24", 4789, [Node(1, ready: false)], "10.96.0.0/16"));
        Assert.Contains("no Ready node to join through", none.Message);
    }
}
