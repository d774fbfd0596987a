using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Tests.Dns;
using Edge.Dataplane.Tests.Simulation;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;
using Edge.Dataplane.Worker;

namespace Edge.Dataplane.Tests.Policy;

/// <summary>
/// NetworkPolicy enforced by the boards themselves, with real TCP and UDP between pods on three
/// boards: pod a on board 1, b on board 2, c on board 3, and d beside a on board 1. Every pod
/// runs the echo image (TCP and UDP port 7). Sets are given to the boards as the host compiles
/// them: each board gets the policies that select its own pods.
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class PolicySimulationTests
{
    private static readonly uint Vip = Ipv4Address.FromOctets(10, 96, 0, 20);
    private const int ConnectMs = 3000;

    private sealed class Lab
    {
        public readonly SimCluster Cluster;
        public readonly PodSandbox A, B, C, D;
        private readonly List<IWorkload> _workloads = [];
        private static ushort _nextPort = 30000;

        public Lab(ulong seed)
        {
            Cluster = new SimCluster(3, seed);
            A = Pod(1, "a");
            B = Pod(2, "b");
            C = Pod(3, "c");
            D = Pod(1, "d");
        }

        private PodSandbox Pod(int board, string name)
        {
            PodSandbox pod = Cluster.Node(board).AddPod("x", name, 0);
            _workloads.Add(WorkloadCatalog.Create("echo", pod, $"node-{board}")!);
            return pod;
        }

        public Node NodeOf(PodSandbox pod) => Cluster.Nodes.First(n => n.FindPod(pod.Namespace, pod.Name) == pod);

        public bool RunUntil(Func<bool> done, int ms) => Cluster.RunUntil(() =>
        {
            foreach (IWorkload w in _workloads)
            {
                w.Poll(Cluster.Clock.Milliseconds);
            }

            return done();
        }, ms);

        /// <summary>A TCP connection from <paramref name="from"/> to address:7 that echoes a byte, or null when it does not connect.</summary>
        public TcpSocket? Connect(PodSandbox from, uint to)
        {
            TcpSocket socket = from.Connect(to, EchoServer.Port)!;
            if (!RunUntil(() => socket.IsConnected || socket.IsClosed, ConnectMs) || !socket.IsConnected)
            {
                socket.Abort();
                return null;
            }

            return Echoes(socket) ? socket : null;
        }

        public bool Echoes(TcpSocket socket)
        {
            int before = socket.Available;
            socket.Send([42], 0, 1);
            return RunUntil(() => socket.Available > before, 1000);
        }

        public bool Tcp(PodSandbox from, uint to)
        {
            TcpSocket? socket = Connect(from, to);
            socket?.Abort();
            return socket != null;
        }

        public bool Udp(PodSandbox from, uint to, ushort port = EchoServer.Port, byte[]? payload = null)
        {
            UdpSocket socket = from.OpenUdp(_nextPort++)!;
            try
            {
                payload ??= [1, 2, 3];
                socket.SendTo(to, port, payload, 0, payload.Length);
                return RunUntil(() => socket.HasData, 1000);
            }
            finally
            {
                socket.Close();
            }
        }

        public void Enforce(int board, PolicySet set) => Cluster.Node(board).EnforcePolicies(set);
    }

    private static PolicySet Set() => new(8, 16, 48, 16);

    /// <summary>policyTypes as given, selecting <paramref name="subjects"/>; rules follow.</summary>
    private static PolicySet Policy(PolicySet set, string name, byte types, params PodSandbox[] subjects)
    {
        Assert.True(set.AddPolicy(name, types));
        foreach (PodSandbox pod in subjects)
        {
            Assert.True(set.AddSubject(pod.Address));
        }

        return set;
    }

    private static PolicySet FromPods(PolicySet set, byte direction, params PodSandbox[] peers)
    {
        Assert.True(set.AddRule((byte)(direction | RuleFlags.AnyPort)));
        foreach (PodSandbox peer in peers)
        {
            Assert.True(set.AddPeer(peer.Address, 32, false));
        }

        return set;
    }

    [Fact]
    public void Default_deny_ingress_blocks_new_connections_from_every_board_and_counts_them()
    {
        var lab = new Lab(1);
        Assert.True(lab.Tcp(lab.A, lab.B.Address)); // open before any policy
        lab.Enforce(2, Policy(Set(), "x/default-deny-ingress", PolicyTypes.Ingress, lab.B));

        Assert.False(lab.Tcp(lab.A, lab.B.Address));
        Assert.False(lab.Tcp(lab.C, lab.B.Address));
        Assert.False(lab.Udp(lab.C, lab.B.Address));
        Node board2 = lab.Cluster.Node(2);
        Assert.Equal(board2.Drops[DropReason.PolicyDenied], board2.Policy.Set.PolicyDrops[0]);
        Assert.True(board2.Policy.Set.PolicyDrops[0] >= 3); // TCP retries its SYN

        // Egress is not isolated: b still reaches out, and the replies come back in (stateful).
        Assert.True(lab.Tcp(lab.B, lab.A.Address));
        Assert.True(lab.Udp(lab.B, lab.C.Address));
        lab.Cluster.AssertNoLeaks();
    }

    [Fact]
    public void An_ingress_rule_from_one_pod_lets_only_that_pod_in()
    {
        var lab = new Lab(2);
        lab.Enforce(2, FromPods(Policy(Set(), "x/allow-a", PolicyTypes.Ingress, lab.B), 0, lab.A));
        Assert.True(lab.Tcp(lab.A, lab.B.Address));
        Assert.True(lab.Udp(lab.A, lab.B.Address));
        Assert.False(lab.Tcp(lab.C, lab.B.Address));
        Assert.False(lab.Tcp(lab.D, lab.B.Address));
        Assert.Equal(2u, lab.Cluster.Node(2).Policy.Set.RuleHits[0]); // one TCP, one UDP connection; established packets never ask the rules
    }

    [Fact]
    public void Pods_on_one_board_are_filtered_on_the_bridge()
    {
        var lab = new Lab(3);
        lab.Enforce(1, Policy(Set(), "x/deny-a", PolicyTypes.Ingress, lab.A));
        Assert.False(lab.Tcp(lab.D, lab.A.Address));
        Assert.False(lab.Udp(lab.D, lab.A.Address));
        Assert.True(lab.Tcp(lab.A, lab.D.Address)); // a's own connections still get their replies
        Assert.True(lab.Cluster.Node(1).Drops[DropReason.PolicyDenied] >= 2);
    }

    [Fact]
    public void Egress_isolation_keeps_the_allowed_paths_and_replies_to_connections_made_to_the_pod()
    {
        var lab = new Lab(4);
        PolicySet set = Policy(Set(), "x/a-to-b-only", PolicyTypes.Egress, lab.A);
        Assert.True(set.AddRule(RuleFlags.Egress));
        Assert.True(set.AddPeer(lab.B.Address, 32, false));
        Assert.True(set.AddPort(IpProtocol.Tcp, EchoServer.Port, EchoServer.Port, 0));
        lab.Enforce(1, set);

        Assert.True(lab.Tcp(lab.A, lab.B.Address));
        Assert.False(lab.Udp(lab.A, lab.B.Address)); // only TCP was allowed
        Assert.False(lab.Tcp(lab.A, lab.C.Address));
        Assert.False(lab.Tcp(lab.A, lab.D.Address));
        Assert.True(lab.Tcp(lab.C, lab.A.Address)); // ingress is open, and a's answers are replies, not egress
        Assert.True(lab.Udp(lab.D, lab.A.Address));
    }

    [Fact]
    public void Through_a_ClusterIP_the_policy_sees_the_endpoint_not_the_service()
    {
        var lab = new Lab(5);
        for (int board = 1; board <= 3; board++)
        {
            var service = new Service { Namespace = "x", Name = "b", ClusterIp = Vip, Port = EchoServer.Port, Protocol = IpProtocol.Tcp };
            service.SetEndpoints([lab.B.Address], [EchoServer.Port], [(byte)(EndpointFlags.Ready | EndpointFlags.Serving | (board == 2 ? EndpointFlags.Local : 0))]);
            Assert.True(lab.Cluster.Node(board).Proxy.SetService(service));
        }

        // b takes only a; a takes nothing at all, so what reaches it from b must be recognised as
        // the reply it is, after kube-proxy turned b's address back into the service's.
        lab.Enforce(2, FromPods(Policy(Set(), "x/allow-a", PolicyTypes.Ingress, lab.B), 0, lab.A));
        lab.Enforce(1, Policy(Set(), "x/deny-a", PolicyTypes.Ingress, lab.A));
        TcpSocket? socket = lab.Connect(lab.A, Vip);
        Assert.NotNull(socket);
        Assert.True(lab.Echoes(socket!));
        socket!.Abort();
        Assert.False(lab.Tcp(lab.C, Vip)); // DNAT'ed on board 3 to b, refused by b's board
        Assert.True(lab.Cluster.Node(2).Drops[DropReason.PolicyDenied] >= 1);
    }

    [Fact]
    public void Egress_isolation_breaks_cluster_DNS_until_port_53_is_allowed()
    {
        // The classic lesson: a default-deny-egress policy stops name lookups too.
        var lab = new Lab(6);
        uint dns = lab.Cluster.Node(1).Config.DnsAddress;
        byte[] query = DnsMessages.Query("kubernetes.default.svc.cluster.local.", 1);
        Assert.True(lab.Udp(lab.A, dns, 53, query));

        lab.Enforce(1, Policy(Set(), "x/default-deny-egress", PolicyTypes.Egress, lab.A));
        Assert.False(lab.Udp(lab.A, dns, 53, query));

        PolicySet fixedSet = Policy(Set(), "x/default-deny-egress", PolicyTypes.Egress, lab.A);
        Policy(fixedSet, "x/allow-dns", PolicyTypes.Egress, lab.A);
        Assert.True(fixedSet.AddRule(RuleFlags.Egress | RuleFlags.AnyPeer));
        Assert.True(fixedSet.AddPort(IpProtocol.Udp, 53, 53, 0));
        Assert.True(fixedSet.AddPort(IpProtocol.Tcp, 53, 53, 0));
        lab.Enforce(1, fixedSet);
        Assert.True(lab.Udp(lab.A, dns, 53, query));
        Assert.False(lab.Tcp(lab.A, lab.B.Address)); // and nothing else
    }

    [Fact]
    public void A_new_deny_cuts_an_established_connection_at_its_next_packet()
    {
        // Kubernetes leaves existing connections to the implementation; Edge checks remembered
        // connections again when the policies change.
        var lab = new Lab(7);
        lab.Enforce(2, FromPods(Policy(Set(), "x/allow-a", PolicyTypes.Ingress, lab.B), 0, lab.A));
        TcpSocket? socket = lab.Connect(lab.A, lab.B.Address);
        Assert.NotNull(socket);

        lab.Enforce(2, FromPods(Policy(Set(), "x/allow-a", PolicyTypes.Ingress, lab.B), 0, lab.A)); // same rules again: goes on
        Assert.True(lab.Echoes(socket!));

        lab.Enforce(2, Policy(Set(), "x/deny-b", PolicyTypes.Ingress, lab.B));
        Assert.False(lab.Echoes(socket!));
        socket!.Abort();
    }

    [Fact]
    public void Traffic_from_the_pods_own_node_is_always_allowed()
    {
        // "traffic to and from the node where a Pod is running is always allowed".
        var lab = new Lab(8);
        lab.Enforce(1, Policy(Set(), "x/deny-a", PolicyTypes.Ingress, lab.A));
        Node board1 = lab.Cluster.Node(1);
        UdpSocket probe = board1.Host.OpenUdp(31000)!;
        probe.SendTo(lab.A.Address, EchoServer.Port, [9], 0, 1);
        Assert.True(lab.RunUntil(() => probe.HasData, 1000));
        probe.Close();
    }
}
