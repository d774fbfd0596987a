using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;

namespace Edge.Dataplane.Tests.Proxy;

/// <summary>
/// A NodePort relays each client through a fixed number of pairs, so a pair nobody uses must
/// end by itself: a client that leaves a connection open with nothing moving, a pod that never
/// answers a client's FIN, a client that leaves before the pod has taken its connection. Each
/// ends on both sides (the client's socket closed, the pod's reset), and the timeouts that end
/// them are counted as idle-timeout.
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class NodePortRelayTimeoutTests
{
    private static readonly uint Laptop = Ipv4Address.FromOctets(192, 168, 50, 200);

    [Fact]
    public void A_connection_on_which_nothing_moves_is_ended_after_the_idle_timeout_on_both_sides()
    {
        var (cluster, pod, server) = SilentPodBehindNodePort();
        LabConnection client = cluster.Sockets[0].Dial(30080, Laptop)!;
        client.Send([1, 2, 3], 0, 3);
        Assert.True(cluster.RunUntil(() => server.Connection?.Available == 3, 1000));

        cluster.Run(TcpRelay.IdleTimeoutMs - 1000);
        Assert.False(client.ClosedByBoard, "not before the idle timeout");
        Assert.True(cluster.RunUntil(() => client.ClosedByBoard, 2000), "ended after it");
        Assert.True(cluster.RunUntil(() => server.Connection!.State == TcpState.Closed, 100));
        Assert.Equal(TcpError.Reset, server.Connection!.Error);
        Assert.Equal(1, cluster.Node(1).Drops[DropReason.IdleTimeout]);
    }

    [Fact]
    public void Bytes_moving_keep_a_connection_open_past_the_idle_timeout()
    {
        var (cluster, _, server) = SilentPodBehindNodePort();
        LabConnection client = cluster.Sockets[0].Dial(30080, Laptop)!;
        for (int i = 0; i < 3; i++)
        {
            client.Send([(byte)i], 0, 1);
            cluster.Run(TcpRelay.IdleTimeoutMs / 2);
        }

        Assert.False(client.ClosedByBoard);
        Assert.Equal(3, server.Connection!.Available);
        Assert.Equal(0, cluster.Node(1).Drops[DropReason.IdleTimeout]);
    }

    [Fact]
    public void A_pod_that_never_answers_the_clients_FIN_is_reset_after_the_closing_timeout()
    {
        var (cluster, _, server) = SilentPodBehindNodePort();
        LabConnection client = cluster.Sockets[0].Dial(30080, Laptop)!;
        client.Send([1], 0, 1);
        client.ShutdownSend();
        Assert.True(cluster.RunUntil(() => server.Connection?.PeerFinished == true, 1000), "the FIN reached the pod");

        cluster.Run(TcpRelay.ClosingTimeoutMs - 1000);
        Assert.False(client.ClosedByBoard, "a half-closed connection may still be answered");
        Assert.True(cluster.RunUntil(() => client.ClosedByBoard, 2000));
        Assert.True(cluster.RunUntil(() => server.Connection!.State == TcpState.Closed, 100));
        Assert.Equal(1, cluster.Node(1).Drops[DropReason.IdleTimeout]);
    }

    [Fact]
    public void A_client_that_leaves_before_the_pod_took_its_connection_takes_the_pod_side_with_it()
    {
        var cluster = new TestCluster(2, 61, 0, null, true);
        // The endpoint is a pod address on board 2 where no pod is: the SYN goes unanswered.
        PushNodePort(cluster, Ipv4Address.FromOctets(10, 244, 2, 77), 2);
        cluster.Run(2);
        int handlesBefore = cluster.Sockets[0].OpenHandles;
        LabConnection client = cluster.Sockets[0].Dial(30080, Laptop)!;
        cluster.Run(50);
        Assert.Equal(handlesBefore + 1, cluster.Sockets[0].OpenHandles);

        client.Close();
        Assert.True(cluster.RunUntil(() => cluster.Sockets[0].OpenHandles == handlesBefore, 100), "let go at once, not after the SYN's retries");
        Assert.Equal(0, cluster.Node(1).Drops[DropReason.IdleTimeout]);
    }

    /// <summary>Two boards; on board 2 a pod that accepts one connection on port 80 and never sends or closes; NodePort 30080 to it.</summary>
    private static (TestCluster, PodSandbox, SilentServer) SilentPodBehindNodePort()
    {
        var cluster = new TestCluster(2, 59, 0, null, true);
        PodSandbox pod = cluster.Node(2).AddPod("default", "silent", 0);
        var server = new SilentServer(pod.Listen(80, 4));
        cluster.Add(server);
        PushNodePort(cluster, pod.Address, 2);
        cluster.Run(2);
        return (cluster, pod, server);
    }

    private static void PushNodePort(TestCluster cluster, uint endpoint, int endpointBoard)
    {
        for (int board = 1; board <= cluster.Nodes.Length; board++)
        {
            var service = new Service
            {
                Name = "silent", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 40), Port = 80,
                Protocol = IpProtocol.Tcp, NodePort = 30080, Type = ServiceType.NodePort,
            };
            byte flags = (byte)(EndpointFlags.Ready | EndpointFlags.Serving | (board == endpointBoard ? EndpointFlags.Local : 0));
            service.SetEndpoints([endpoint], [80], [flags]);
            Assert.True(cluster.Node(board).Proxy.SetService(service));
        }
    }

    /// <summary>Accepts one connection and then does nothing with it: reads nothing, sends nothing, never closes.</summary>
    private sealed class SilentServer(TcpSocket listener) : IWorkload
    {
        public TcpSocket? Connection { get; private set; }

        public string Image => "silent";

        public int Exit => -1;

        public void Poll(long now) => Connection ??= listener.Accept();

        public void Stop()
        {
        }
    }
}
