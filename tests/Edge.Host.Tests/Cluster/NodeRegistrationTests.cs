using System.Text.Json.Nodes;
using Edge.Host.Allocation;
using Edge.Host.Cluster;
using Edge.Host.Objects;
using Edge.Host.Sessions;

namespace Edge.Host.Tests.Cluster;

/// <summary>A hello makes a Node as a kubelet registers one: its pods and TLS sessions as capacity, the second an extended resource.</summary>
[Trait("Category", Category.Unit)]
public sealed class NodeRegistrationTests
{
    private static readonly BoardLink Link = BoardLink.Parse("tcp://127.0.10.1:7900");

    private static BoardHello Hello(int tlsSessions, int podMemory = 0) => new("node-1", "0.1.0", 0x7F000A01, 4789, 0, 16) { TlsSessions = tlsSessions, PodMemory = podMemory };

    [Fact]
    public void The_TLS_sessions_a_board_takes_are_an_extended_resource_beside_pods()
    {
        KubeObject node = NodeRegistration.Register(null, Hello(4), Link, new ClusterNetwork())!;

        Assert.Equal("""{"cpu":"1","edge.dev/tls-sessions":"4","pods":"16"}""", node.Json["status"]!["capacity"]!.ToJsonString());
        Assert.Equal("""{"cpu":"1","edge.dev/tls-sessions":"4","pods":"16"}""", node.Json["status"]!["allocatable"]!.ToJsonString());
        Assert.Equal(4, NodeTls.Sessions(node));
        Assert.True(NodeTls.Terminates(node));
    }

    [Fact]
    public void The_memory_a_board_offers_pods_is_its_allocatable_memory_in_the_binary_unit_kubelet_writes()
    {
        KubeObject wroom = NodeRegistration.Register(null, Hello(0, 9 * 1024), Link, new ClusterNetwork())!;
        KubeObject wrover = NodeRegistration.Register(null, Hello(4, 768 * 1024), Link, new ClusterNetwork())!;

        Assert.Equal("""{"cpu":"1","edge.dev/tls-sessions":"0","memory":"9Ki","pods":"16"}""", wroom.Json["status"]!["allocatable"]!.ToJsonString());
        Assert.Equal("768Ki", (string?)wrover.Json["status"]!["capacity"]!["memory"]);
    }

    [Fact]
    public void A_WROOM_board_says_0_and_a_new_hello_updates_the_Node()
    {
        var network = new ClusterNetwork();
        KubeObject wroom = NodeRegistration.Register(null, Hello(0), Link, network)!;
        Assert.Equal("0", (string?)wroom.Json["status"]!["allocatable"]![NodeTls.Resource]);
        Assert.False(NodeTls.Terminates(wroom));

        Assert.Null(NodeRegistration.Register(wroom, Hello(0), Link, network)); // the same hello: nothing to write
        KubeObject reflashed = NodeRegistration.Register(wroom, Hello(8), Link, network)!;
        Assert.Equal(8, NodeTls.Sessions(reflashed));
    }

    [Fact]
    public void A_Node_without_the_resource_takes_no_TLS()
    {
        Assert.Equal(0, NodeTls.Sessions(new KubeObject(new JsonObject { ["kind"] = "Node", ["status"] = new JsonObject { ["allocatable"] = new JsonObject { ["pods"] = "8" } } })));
    }
}
