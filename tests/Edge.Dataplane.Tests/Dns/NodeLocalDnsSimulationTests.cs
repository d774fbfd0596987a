using Edge.Dataplane.Dns;
using Edge.Dataplane.Net;
using Edge.Dataplane.Tests.Simulation;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;

namespace Edge.Dataplane.Tests.Dns;

/// <summary>Every node answers the cluster DNS address itself, from the zone the host pushed.</summary>
[Trait("Category", Category.Simulation)]
public sealed class NodeLocalDnsSimulationTests
{
    [Fact]
    public void A_pod_asks_10_96_0_10_and_its_own_node_answers_from_that_address()
    {
        var cluster = new SimCluster(2, seed: 81);
        foreach (Node node in cluster.Nodes)
        {
            node.DnsZone.SetService(new DnsService { Name = "web", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 20) });
        }

        PodSandbox pod = cluster.Node(2).AddPod("default", "client", 0);
        UdpSocket socket = pod.OpenUdp(0)!;
        byte[] query = DnsMessages.Query("web.default.svc.cluster.local.", DnsType.A, id: 0x4242);

        socket.SendTo(Ipv4Address.FromOctets(10, 96, 0, 10), 53, query, 0, query.Length);
        Assert.True(cluster.RunUntil(() => socket.HasData, 100));

        byte[] buffer = new byte[512];
        int n = socket.ReceiveFrom(buffer, 0, buffer.Length, out uint from, out ushort port);
        Assert.Equal((Ipv4Address.FromOctets(10, 96, 0, 10), (ushort)53), (from, port));
        DnsMessages.Response r = DnsMessages.Parse(buffer[..n]);
        Assert.Equal(0x4242, r.Id);
        Assert.Equal(["web.default.svc.cluster.local. 5 IN A 10.96.0.20"], r.Answer);
        Assert.Equal(0, cluster.Node(1).Overlay.Received); // node-local: nothing crossed the overlay
    }

    [Fact]
    public void Out_of_zone_names_are_refused_when_the_node_has_no_upstream()
    {
        var cluster = new SimCluster(1, seed: 82);
        PodSandbox pod = cluster.Node(1).AddPod("default", "client", 0);
        UdpSocket socket = pod.OpenUdp(0)!;
        byte[] query = DnsMessages.Query("example.com.", DnsType.A);

        socket.SendTo(Ipv4Address.FromOctets(10, 96, 0, 10), 53, query, 0, query.Length);
        Assert.True(cluster.RunUntil(() => socket.HasData, 100));

        byte[] buffer = new byte[512];
        int n = socket.ReceiveFrom(buffer, 0, buffer.Length, out _, out _);
        Assert.Equal(DnsRcode.Refused, DnsMessages.Parse(buffer[..n]).Rcode);
    }
}
