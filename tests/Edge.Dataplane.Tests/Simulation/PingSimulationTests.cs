using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>ICMP echo through the node network: same node, across the overlay, to the gateway.</summary>
[Trait("Category", Category.Simulation)]
public sealed class PingSimulationTests
{
    private static uint Ip(string text) => GoldenIp(text);

    private static uint GoldenIp(string text)
    {
        Assert.True(Ipv4Address.TryParse(text, out uint address));
        return address;
    }

    /// <summary>Sends count pings one every interval and returns the replies (seq, ttl).</summary>
    private static List<(ushort Seq, byte Ttl, long Rtt)> Ping(SimCluster cluster, PodSandbox from, uint to, int count, int intervalMs = 100)
    {
        IcmpEchoSocket echo = from.OpenEcho();
        var replies = new List<(ushort, byte, long)>();
        for (ushort seq = 1; seq <= count; seq++)
        {
            Assert.True(echo.Send(to, seq, 56));
            cluster.Run(intervalMs);
            while (echo.TryReadReply(out ushort s, out uint replyFrom, out long rtt, out byte ttl))
            {
                Assert.Equal(to, replyFrom);
                replies.Add((s, ttl, rtt));
            }
        }

        cluster.Run(500);
        while (echo.TryReadReply(out ushort s, out _, out long rtt, out byte ttl))
        {
            replies.Add((s, ttl, rtt));
        }

        echo.Close();
        return replies;
    }

    [Fact]
    public void A_pod_pings_a_pod_on_another_board_through_VXLAN_with_two_router_hops()
    {
        var cluster = new SimCluster(2, seed: 1);
        PodSandbox a = cluster.Node(1).AddPod("default", "client", 0);
        PodSandbox b = cluster.Node(2).AddPod("default", "server", 0);
        Assert.Equal(Ip("10.244.1.2"), a.Address);
        Assert.Equal(Ip("10.244.2.2"), b.Address);

        var replies = Ping(cluster, a, b.Address, 3);

        Assert.Equal([1, 2, 3], replies.Select(r => (int)r.Seq));
        Assert.All(replies, r => Assert.Equal(62, r.Ttl)); // each node's gateway is a hop, as with flannel
        Assert.True(cluster.Node(1).Overlay.Sent >= 3 && cluster.Node(2).Overlay.Received >= 3);
        Assert.Equal(0, cluster.Node(1).Drops.Total);
        Assert.Equal(0, cluster.Node(2).Drops.Total);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void Pods_on_one_board_talk_over_the_bridge_without_a_router_hop()
    {
        var cluster = new SimCluster(1, seed: 2);
        PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);
        PodSandbox b = cluster.Node(1).AddPod("default", "b", 0);

        var replies = Ping(cluster, a, b.Address, 2);

        Assert.Equal(2, replies.Count);
        Assert.All(replies, r => Assert.Equal(64, r.Ttl));
        Assert.Equal(0, cluster.Node(1).Overlay.Sent);
        Assert.Equal(2, cluster.Node(1).Bridge.Macs.Count); // both pods learned; the gateway never spoke
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void The_gateway_and_the_remote_VTEP_answer_ping()
    {
        var cluster = new SimCluster(2, seed: 3);
        PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);

        Assert.Single(Ping(cluster, a, Ip("10.244.1.1"), 1));
        var remote = Ping(cluster, a, Ip("10.244.2.0"), 1);

        Assert.Single(remote);
        Assert.Equal(63, remote[0].Ttl); // one hop: our gateway; node 2 answers itself
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void A_pod_pings_itself_and_localhost_without_the_bridge()
    {
        var cluster = new SimCluster(1, seed: 4);
        PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);

        Assert.Single(Ping(cluster, a, a.Address, 1));
        Assert.Single(Ping(cluster, a, PodSandbox.LoopbackAddress, 1));
        Assert.Equal(0, cluster.Node(1).Bridge.Forwarded);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void An_address_with_no_route_gets_net_unreachable_and_is_counted()
    {
        var cluster = new SimCluster(2, seed: 5);
        PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);

        Assert.Empty(Ping(cluster, a, Ip("10.244.77.9"), 2));
        Assert.Equal(2, cluster.Node(1).Drops[DropReason.NoRoute]);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void A_partition_stops_traffic_and_healing_it_restores_it()
    {
        var cluster = new SimCluster(2, seed: 6);
        PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);
        PodSandbox b = cluster.Node(2).AddPod("default", "b", 0);
        Assert.Equal(2, Ping(cluster, a, b.Address, 2).Count);

        cluster.Network.Partition(SimCluster.BoardAddress(1), SimCluster.BoardAddress(2));
        Assert.Empty(Ping(cluster, a, b.Address, 3));

        cluster.Network.Partition(SimCluster.BoardAddress(1), SimCluster.BoardAddress(2), cut: false);
        Assert.Equal(2, Ping(cluster, a, b.Address, 2).Count);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void Under_loss_duplication_and_reordering_ping_loses_what_the_wire_loses_for_100_seeds()
    {
        for (ulong seed = 1; seed <= 100; seed++)
        {
            var cluster = new SimCluster(3, seed);
            cluster.Network.Faults = new Faults { Loss = 0.05, Duplication = 0.02, DelayMs = 2, JitterMs = 8 };
            PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);
            PodSandbox c = cluster.Node(3).AddPod("default", "c", 0);

            var replies = Ping(cluster, a, c.Address, 20, intervalMs: 50);

            // A ping crosses the wire twice; ~10% of them die. Duplicates show up as repeated sequence numbers.
            int distinct = replies.Select(r => r.Seq).Distinct().Count();
            Assert.InRange(distinct, 12, 20);
            Assert.All(replies, r => Assert.InRange(r.Rtt, 4, 50));
            cluster.AssertNoLeaks();
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_run()
    {
        string Run(ulong seed)
        {
            var cluster = new SimCluster(2, seed);
            cluster.Network.Faults = new Faults { Loss = 0.2, Duplication = 0.1, DelayMs = 1, JitterMs = 20 };
            PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);
            PodSandbox b = cluster.Node(2).AddPod("default", "b", 0);
            var replies = Ping(cluster, a, b.Address, 30, intervalMs: 10);
            return string.Join(",", replies.Select(r => $"{r.Seq}:{r.Rtt}")) + $"|{cluster.Network.Lost}|{cluster.Network.Delivered}";
        }

        Assert.Equal(Run(42), Run(42));
        Assert.NotEqual(Run(42), Run(43));
    }

    [Fact]
    public void A_pod_address_nobody_holds_gets_host_unreachable_from_the_remote_gateway()
    {
        var cluster = new SimCluster(2, seed: 7);
        PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);

        Assert.Empty(Ping(cluster, a, Ip("10.244.2.99"), 1, intervalMs: IpInterface.PendingTimeoutMs + 200));

        Assert.Equal(1, cluster.Node(2).Drops[DropReason.ArpUnresolved]);
        Assert.True(cluster.Node(1).Overlay.Received >= 1, "the ICMP host unreachable came back");
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void The_sandbox_outlives_its_containers_keeping_its_address_and_MAC()
    {
        var cluster = new SimCluster(1, seed: 8);
        PodSandbox pod = cluster.Node(1).AddPod("default", "web", 0);
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        var first = Edge.Dataplane.Workloads.WorkloadCatalog.Create("echo", pod, "node-1")!;
        uint address = pod.Address;
        ulong mac = pod.Mac;

        first.Stop(); // the container exits: its sockets close, the sandbox stays
        Assert.Equal(0, pod.SocketCount());
        var second = Edge.Dataplane.Workloads.WorkloadCatalog.Create("echo", pod, "node-1")!; // restarted in the same sandbox

        Assert.Equal((address, mac), (pod.Address, pod.Mac));
        Assert.Single(Ping(cluster, client, pod.Address, 1));
        UdpSocket udp = client.OpenUdp(0)!;
        udp.SendTo(pod.Address, 7, [42], 0, 1);
        Assert.True(cluster.RunUntil(() => { second.Poll(cluster.Clock.Milliseconds); return udp.HasData; }, 100));
    }
}
