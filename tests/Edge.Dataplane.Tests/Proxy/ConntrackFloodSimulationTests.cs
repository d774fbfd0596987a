using Edge.Dataplane.Boards;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;

namespace Edge.Dataplane.Tests.Proxy;

/// <summary>
/// A pod floods a ClusterIP with 100,000 new UDP flows on a WROOM board (conntrack 48 entries,
/// 6 packet buffers), as a port scan or a broken client does. The established connection of
/// another pod through another service keeps working throughout, the table stays within its
/// capacity by dropping unreplied flows early (Linux's early_drop), every flow it could not
/// keep is counted, and past its first flows the board allocates nothing for the flood.
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class ConntrackFloodSimulationTests
{
    private static readonly uint EchoVip = Ipv4Address.FromOctets(10, 96, 0, 20);
    private static readonly uint SinkVip = Ipv4Address.FromOctets(10, 96, 0, 30);
    private const byte Ready = EndpointFlags.Ready | EndpointFlags.Serving | EndpointFlags.Local;

    [Fact]
    public void Established_flows_keep_working_through_a_flood_of_100000_new_ones_and_the_board_allocates_nothing()
    {
        var cluster = new TestCluster(1, 100, MemoryClass.Wroom);
        Node node = cluster.Node(1);
        PodSandbox server = node.AddPod("default", "server", 0)!;
        PodSandbox client = node.AddPod("default", "client", 0)!;
        PodSandbox noisy = node.AddPod("default", "noisy", 0)!;
        cluster.Run("echo", server, 1);
        SetService(node, "echo", EchoVip, 7, IpProtocol.Tcp, server.Address, 7);
        SetService(node, "sink", SinkVip, 9, IpProtocol.Udp, server.Address, 9); // nothing listens on 9: nobody replies

        TcpSocket established = client.Connect(EchoVip, 7)!;
        Assert.True(cluster.RunUntil(() => established.IsConnected, 1000));
        byte[] echoed = new byte[2];
        AssertEchoes(cluster, established, echoed);

        // One datagram frame from the noisy pod to the sink, its source port changed for each new flow.
        byte[] frame = new byte[14 + 20 + 8 + 4];
        new EthernetRepr { Destination = node.Gateway.Interface.Mac, Source = noisy.Mac, EtherType = EtherType.Ipv4 }.Emit(frame, 0);
        new Ipv4Repr { Source = noisy.Address, Destination = SinkVip, Protocol = IpProtocol.Udp, Ttl = 64, PayloadLength = 12 }.Emit(frame, 14);
        new UdpRepr { SourcePort = 1024, DestinationPort = 9, PayloadLength = 4 }.Emit(frame, 34, noisy.Address, SinkVip);
        frame[40] = 0; // no UDP checksum (RFC 768): the port can change without one to fix
        frame[41] = 0;

        Conntrack conntrack = node.Proxy.Conntrack;
        int flow = 0;
        void Flood(int flows)
        {
            for (int end = flow + flows; flow < end; flow++)
            {
                ushort port = (ushort)(1024 + flow % 64000);
                frame[34] = (byte)(port >> 8);
                frame[35] = (byte)port;
                cluster.Inject(1, noisy, frame, frame.Length);
                cluster.Step();
                Assert.True(conntrack.Count <= conntrack.Capacity);
            }
        }

        // The very first flow makes what a board makes once (its first port-unreachable error);
        // then every 20,000 flows the established connection must still echo.
        // Memory is measured per stretch of 1,000 flows: none may allocate, but for the odd one a
        // collection started by another test's thread charges (see Allocations).
        Flood(1000);
        var allocatingStretches = new List<long>();
        while (flow < 100_000)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Flood(1000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > 0)
            {
                allocatingStretches.Add(allocated);
            }

            if (flow % 20_000 == 0)
            {
                AssertEchoes(cluster, established, echoed);
            }
        }

        AssertEchoes(cluster, established, echoed);
        Assert.Equal(conntrack.Capacity, conntrack.Count);
        Assert.True(conntrack.EarlyDrops >= 100_000 - conntrack.Capacity - 64000 / 2, $"{conntrack.EarlyDrops} early drops");
        Assert.True(allocatingStretches.Count <= 3, $"{allocatingStretches.Count} of 99 stretches of 1,000 flows allocated: {string.Join(", ", allocatingStretches)} bytes");
        Assert.True(cluster.NoBufferHeld());
    }

    private static void AssertEchoes(TestCluster cluster, TcpSocket socket, byte[] buffer)
    {
        Assert.Equal(2, socket.Send([4, 2], 0, 2));
        Assert.True(cluster.RunUntil(() => socket.Available >= 2, 1000), "the established connection stopped answering");
        Assert.Equal(2, socket.Receive(buffer, 0, 2));
        Assert.Equal([4, 2], buffer);
    }

    private static void SetService(Node node, string name, uint vip, ushort port, byte protocol, uint endpoint, ushort targetPort)
    {
        var service = new Service { Name = name, ClusterIp = vip, Port = port, Protocol = protocol };
        service.SetEndpoints([endpoint], [targetPort], [Ready]);
        Assert.True(node.Proxy.SetService(service));
    }
}
