using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Host.Tests.Printing;

/// <summary>A Node's Capacity and Allocatable as kubectl's describe node prints them, the TLS sessions as an extended resource beside pods.</summary>
[Trait("Category", Category.Unit)]
public sealed class NodeResourcesTests
{
    [Fact]
    public void Capacity_and_allocatable_list_each_resource_sorted_as_kubectl_does()
    {
        var node = new KubeObject((JsonObject)JsonNode.Parse("""
            {"kind": "Node", "metadata": {"name": "node-1"},
             "status": {"capacity": {"pods": "16", "edge.dev/tls-sessions": "4"}, "allocatable": {"pods": "16", "edge.dev/tls-sessions": "4"}}}
            """)!);

        Assert.Equal(string.Join("\n",
            "Capacity:",
            "  edge.dev/tls-sessions:  4",
            "  pods:                   16",
            "Allocatable:",
            "  edge.dev/tls-sessions:  4",
            "  pods:                   16",
            ""), NodeResources.Of(node));
    }

    [Fact]
    public void A_Node_that_reports_nothing_has_no_sections()
    {
        Assert.Equal("", NodeResources.Of(new KubeObject((JsonObject)JsonNode.Parse("""{"kind": "Node", "metadata": {"name": "node-1"}}""")!)));
    }
}
