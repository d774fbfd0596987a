using Edge.Dataplane.Worker;
using System.Text;
using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>UDP sockets in pod sandboxes, and the fixed bounds every table keeps under floods.</summary>
[Trait("Category", Category.Simulation)]
public sealed class UdpAndBoundsSimulationTests
{
    [Fact]
    public void A_UDP_datagram_crosses_boards_and_the_reply_finds_its_way_back()
    {
        var cluster = new SimCluster(2, seed: 11);
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        PodSandbox server = cluster.Node(2).AddPod("default", "echo", 0);
        UdpSocket listening = server.OpenUdp(7)!;
        UdpSocket socket = client.OpenUdp(0)!;
        byte[] hello = Encoding.ASCII.GetBytes("hello from node-1");

        Assert.True(socket.SendTo(server.Address, 7, hello, 0, hello.Length));
        Assert.True(cluster.RunUntil(() => listening.HasData, 100));
        byte[] buffer = new byte[100];
        int n = listening.ReceiveFrom(buffer, 0, buffer.Length, out uint from, out ushort fromPort);
        Assert.Equal("hello from node-1", Encoding.ASCII.GetString(buffer, 0, n));
        Assert.Equal((client.Address, socket.LocalPort), (from, fromPort)); // no NAT between pods

        Assert.True(listening.SendTo(from, fromPort, buffer, 0, n));
        Assert.True(cluster.RunUntil(() => socket.HasData, 100));
        Assert.Equal(n, socket.ReceiveFrom(buffer, 0, buffer.Length, out from, out _));
        Assert.Equal(server.Address, from);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void Two_pods_on_one_board_both_bind_port_80()
    {
        var cluster = new SimCluster(1, seed: 12);
        PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);
        PodSandbox b = cluster.Node(1).AddPod("default", "b", 0);

        Assert.NotNull(a.OpenUdp(80));
        Assert.NotNull(b.OpenUdp(80));
        Assert.Null(a.OpenUdp(80)); // but not twice in one sandbox
    }

    [Fact]
    public void Containers_of_a_pod_reach_each_other_on_localhost()
    {
        var cluster = new SimCluster(1, seed: 13);
        PodSandbox pod = cluster.Node(1).AddPod("default", "web", 0);
        UdpSocket sidecar = pod.OpenUdp(9000)!;
        UdpSocket app = pod.OpenUdp(0)!;

        Assert.True(app.SendTo(PodSandbox.LoopbackAddress, 9000, [1, 2, 3], 0, 3));
        cluster.Run(1);

        byte[] buffer = new byte[10];
        Assert.Equal(3, sidecar.ReceiveFrom(buffer, 0, 10, out uint from, out _));
        Assert.Equal(PodSandbox.LoopbackAddress, from);
        Assert.Equal(0, cluster.Node(1).Bridge.Forwarded);
    }

    [Fact]
    public void A_closed_port_answers_ICMP_port_unreachable()
    {
        var cluster = new SimCluster(2, seed: 14);
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
        UdpSocket socket = client.OpenUdp(0)!;

        socket.SendTo(server.Address, 9999, [0], 0, 1);
        cluster.Run(50);

        Assert.Equal(1, cluster.Node(2).Drops[DropReason.NoSocket]);
        Assert.True(cluster.Node(1).Overlay.Received >= 1, "the port-unreachable came back over the overlay");
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void A_full_socket_buffer_drops_and_counts_instead_of_growing()
    {
        var cluster = new SimCluster(1, seed: 15, c => c.UdpReceiveBuffer = 256);
        PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);
        PodSandbox b = cluster.Node(1).AddPod("default", "b", 0);
        UdpSocket sink = b.OpenUdp(5000)!;
        UdpSocket source = a.OpenUdp(0)!;
        byte[] payload = new byte[100];

        for (int i = 0; i < 10; i++)
        {
            source.SendTo(b.Address, 5000, payload, 0, payload.Length);
            cluster.Run(1);
        }

        Assert.Equal(2, sink.Received);   // 256 bytes: 4 records and 208 bytes of datagrams, so two of 100
        Assert.Equal(8, sink.Dropped);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void Many_tiny_datagrams_fill_a_socket_before_their_bytes_do()
    {
        // 256 bytes of receive buffer: a record for every 64 bytes, so four datagrams wait at
        // most, however small (Linux charges each datagram its truesize the same way).
        var cluster = new SimCluster(1, seed: 17, c => c.UdpReceiveBuffer = 256);
        PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);
        PodSandbox b = cluster.Node(1).AddPod("default", "b", 0);
        UdpSocket sink = b.OpenUdp(5000)!;
        UdpSocket source = a.OpenUdp(0)!;

        for (int i = 0; i < 6; i++)
        {
            source.SendTo(b.Address, 5000, [(byte)i], 0, 1);
            cluster.Run(1);
        }

        Assert.Equal((4, 2), (sink.Received, sink.Dropped));
        byte[] buffer = new byte[8];
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(1, sink.ReceiveFrom(buffer, 0, buffer.Length, out uint from, out ushort port));
            Assert.Equal((i, a.Address, source.LocalPort), (buffer[0], from, port)); // in order, each with its sender
        }

        Assert.Equal(-1, sink.ReceiveFrom(buffer, 0, buffer.Length, out _, out _));
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void A_datagram_longer_than_the_readers_buffer_is_cut_and_the_next_one_is_whole()
    {
        var cluster = new SimCluster(1, seed: 18);
        PodSandbox a = cluster.Node(1).AddPod("default", "a", 0);
        PodSandbox b = cluster.Node(1).AddPod("default", "b", 0);
        UdpSocket sink = b.OpenUdp(5000)!;
        UdpSocket source = a.OpenUdp(0)!;

        source.SendTo(b.Address, 5000, Encoding.ASCII.GetBytes("a long datagram"), 0, 15);
        source.SendTo(b.Address, 5000, [], 0, 0); // an empty datagram is a datagram
        source.SendTo(b.Address, 5000, Encoding.ASCII.GetBytes("next"), 0, 4);
        cluster.Run(2);

        byte[] buffer = new byte[6];
        Assert.Equal(6, sink.ReceiveFrom(buffer, 0, buffer.Length, out _, out _)); // the rest is lost, as recvfrom truncates
        Assert.Equal("a long", Encoding.ASCII.GetString(buffer, 0, 6));
        Assert.Equal(0, sink.ReceiveFrom(buffer, 0, buffer.Length, out _, out _));
        Assert.Equal(4, sink.ReceiveFrom(buffer, 0, buffer.Length, out _, out _));
        Assert.Equal("next", Encoding.ASCII.GetString(buffer, 0, 4));
        Assert.False(sink.HasData);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void Pods_and_sockets_are_refused_beyond_the_nodes_capacity_and_counted()
    {
        var cluster = new SimCluster(1, seed: 16, c => { c.MaxPods = 2; c.MaxSocketsPerPod = 2; });
        Node node = cluster.Node(1);
        PodSandbox a = node.AddPod("default", "a", 0);
        Assert.NotNull(node.AddPod("default", "b", 0));

        Assert.Null(node.AddPod("default", "c", 0));
        Assert.NotNull(a.OpenUdp(1));
        Assert.NotNull(a.OpenEcho());
        Assert.Null(a.OpenUdp(2));
        Assert.Equal(1, node.Drops[DropReason.PodLimit]);
        Assert.Equal(1, node.Drops[DropReason.SocketLimit]);

        Assert.True(node.RemovePod(a));
        Assert.NotNull(node.AddPod("default", "c", 0));
    }

    [Fact]
    public void ARP_cache_pending_queue_and_buffers_stay_bounded_under_a_flood_of_unknown_addresses()
    {
        var cluster = new SimCluster(2, seed: 17);
        Node node = cluster.Node(1);
        PodSandbox a = node.AddPod("default", "a", 0);
        UdpSocket socket = a.OpenUdp(0)!;

        // 2,000 datagrams to 2,000 different on-link addresses that no one holds.
        for (int i = 0; i < 2000; i++)
        {
            socket.SendTo(Ipv4Address.FromOctets(10, 244, 1, 3 + i % 250), 53, [1], 0, 1);
            if (i % 10 == 0)
            {
                cluster.Step();
            }
        }

        cluster.Run(100);
        Assert.True(a.Interface.Arp.Count <= a.Interface.Arp.Capacity);
        Assert.True(a.Interface.Arp.RequestsSuppressed > 0, "requests are rate-limited");
        Assert.True(node.Drops[DropReason.ArpUnresolved] > 1900, node.Drops.ToString());
        Assert.True(node.Bridge.Macs.Count <= node.Bridge.Macs.Capacity);

        // Remote destinations with no route: counted, never added to the route table.
        cluster.Run(ArpCache.IncompleteMs + 100);
        for (int i = 0; i < 500; i++)
        {
            socket.SendTo(Ipv4Address.FromOctets(10, 244, 100 + i % 100, 9), 53, [1], 0, 1); // cluster CIDR, no such node
            cluster.Step();
        }

        Assert.Equal(1, node.Routes.Count);
        Assert.Equal(500, node.Drops[DropReason.NoRoute]);

        // Outside the cluster with egress off: refused and counted, nothing learned either.
        for (int i = 0; i < 100; i++)
        {
            socket.SendTo(Ipv4Address.FromOctets(198, 51, 100, (byte)i), 53, [1], 0, 1);
            cluster.Step();
        }

        Assert.Equal(100, node.Drops[DropReason.EgressDenied]);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void The_bridge_MAC_table_stays_bounded_when_frames_come_from_many_source_MACs()
    {
        var cluster = new SimCluster(1, seed: 18, c => c.MacEntries = 8);
        Node node = cluster.Node(1);
        node.AddPod("default", "a", 0);
        for (int i = 0; i < 100; i++)
        {
            PacketBuffer frame = node.Context.Pool.Rent()!;
            new EthernetRepr { Destination = MacAddress.Broadcast, Source = 0x020000000100UL + (ulong)i, EtherType = 0x88B5 }.Emit(frame.Data, frame.Offset);
            frame.Length = 60;
            node.Bridge.Submit(frame, 1);
            cluster.Step();
        }

        Assert.Equal(8, node.Bridge.Macs.Count);
        Assert.True(node.Bridge.Macs.Evictions >= 92);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void Garbage_datagrams_on_the_VXLAN_port_are_dropped_and_counted()
    {
        var cluster = new SimCluster(2, seed: 19);
        SimPort attacker = cluster.Network.Open(SimCluster.BoardAddress(2), 1234);
        var random = new Random(19);
        for (int i = 0; i < 500; i++)
        {
            byte[] junk = new byte[random.Next(0, 200)];
            random.NextBytes(junk);
            if (i % 2 == 0 && junk.Length > 8)
            {
                junk[0] = 0x08; // a valid VXLAN flag, VNI 1, then garbage
                junk[4] = 0; junk[5] = 0; junk[6] = 1;
            }

            attacker.Send(SimCluster.BoardAddress(1), VxlanHeader.IanaPort, junk, 0, junk.Length);
            cluster.Step();
        }

        Node node = cluster.Node(1);
        Assert.True(node.Drops.Total >= 250, node.Drops.ToString());
        cluster.AssertNoLeaks();
    }
}
