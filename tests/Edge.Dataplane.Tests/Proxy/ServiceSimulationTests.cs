using Edge.Dataplane.Worker;
using System.Text;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Tests.Simulation;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;

namespace Edge.Dataplane.Tests.Proxy;

/// <summary>A Service on three boards behaves as kube-proxy makes it behave on Linux nodes.</summary>
[Trait("Category", Category.Simulation)]
public sealed class ServiceSimulationTests
{
    private static readonly uint Vip = Ipv4Address.FromOctets(10, 96, 0, 20);

    private sealed record Backend(PodSandbox Pod, int Board, IWorkload Workload);

    private sealed class Sink : IByteSink
    {
        public readonly MemoryStream Bytes = new();

        public void Write(byte[] buffer, int offset, int length) => Bytes.Write(buffer, offset, length);

        public override string ToString() => Encoding.ASCII.GetString(Bytes.ToArray());
    }

    /// <summary>Three boards, an echo (or whoami) pod on each, and a client pod on board 1.</summary>
    private static (SimCluster Cluster, Backend[] Backends, PodSandbox Client) Cluster(ulong seed, string image = "echo", Action<NodeConfig>? configure = null)
    {
        var cluster = new SimCluster(3, seed, configure);
        var backends = Enumerable.Range(1, 3).Select(board =>
        {
            PodSandbox pod = cluster.Node(board).AddPod("default", $"web-{board}", 0);
            return new Backend(pod, board, WorkloadCatalog.Create(image, pod, $"node-{board}")!);
        }).ToArray();
        return (cluster, backends, cluster.Node(1).AddPod("default", "client", 0));
    }

    /// <summary>The Service each board's proxy gets: same endpoints, Local set where the pod runs.</summary>
    private static void Push(SimCluster cluster, ushort port, byte protocol, IEnumerable<(PodSandbox Pod, int Board, byte Flags)> endpoints,
        ushort targetPort = 0, Action<Service>? tweak = null)
    {
        var list = endpoints.ToList();
        for (int board = 1; board <= cluster.Nodes.Length; board++)
        {
            var service = new Service { Name = "web", ClusterIp = Vip, Port = port, Protocol = protocol };
            service.SetEndpoints(
                list.Select(e => e.Pod.Address).ToArray(),
                list.Select(_ => targetPort == 0 ? port : targetPort).ToArray(),
                list.Select(e => (byte)(e.Flags | (e.Board == board ? EndpointFlags.Local : 0))).ToArray());
            tweak?.Invoke(service);
            Assert.True(cluster.Node(board).Proxy.SetService(service));
        }
    }

    private const byte Ready = EndpointFlags.Ready | EndpointFlags.Serving;

    private static void Poll(SimCluster cluster, Backend[] backends, Func<bool> done, int maxMs = 1000)
    {
        Assert.True(cluster.RunUntil(() =>
        {
            foreach (Backend b in backends)
            {
                b.Workload.Poll(cluster.Clock.Milliseconds);
            }

            return done();
        }, maxMs), "timed out");
    }

    private static int _nextPort = 20000;

    /// <summary>
    /// One UDP exchange with the service from a source port not used before (a new 5-tuple, so a
    /// new connection: a reused ephemeral port would rightly ride its old conntrack entry).
    /// </summary>
    private static (uint Address, ushort Port) UdpRoundTrip(SimCluster cluster, Backend[] backends, PodSandbox client, UdpSocket? socket = null)
    {
        bool own = socket == null;
        socket ??= client.OpenUdp((ushort)Interlocked.Increment(ref _nextPort))!;
        socket.SendTo(Vip, 7, [1, 2, 3], 0, 3);
        Poll(cluster, backends, () => socket.HasData);
        byte[] buffer = new byte[16];
        Assert.Equal(3, socket.ReceiveFrom(buffer, 0, 16, out uint from, out ushort fromPort));
        if (own)
        {
            socket.Close();
        }

        return (from, fromPort);
    }

    /// <summary>
    /// How many exchanges each of the service's endpoints answered, as their echo pods saw them
    /// (a round trip is three bytes): in the order of the endpoints board 1's proxy holds now.
    /// </summary>
    private static long[] Spread(SimCluster cluster, Backend[] backends)
    {
        Service service = cluster.Node(1).Proxy.Services.Lookup(Vip, 7, IpProtocol.Udp)!;
        return service.EndpointAddresses
            .Select(address => ((EchoServer)backends.Single(b => b.Pod.Address == address).Workload).BytesEchoed / 3)
            .ToArray();
    }

    [Fact]
    public void In_iptables_mode_3000_connections_spread_uniformly_at_random()
    {
        var (cluster, backends, client) = Cluster(51, configure: c => c.ConntrackEntries = 4096);
        Push(cluster, 7, IpProtocol.Udp, backends.Select(b => (b.Pod, b.Board, Ready)));

        for (int i = 0; i < 3000; i++)
        {
            var from = UdpRoundTrip(cluster, backends, client);
            Assert.Equal((Vip, (ushort)7), from); // the reply comes from the service, not the pod
        }

        long[] counts = Spread(cluster, backends);
        double chiSquare = counts.Sum(c => (c - 1000.0) * (c - 1000.0) / 1000.0);
        Assert.True(chiSquare < 13.82, $"chi-square {chiSquare:F2} over [{string.Join(", ", counts)}] (df 2, p 0.001)");
        Assert.Equal(3000, counts.Sum());
    }

    [Fact]
    public void In_IPVS_round_robin_mode_3000_connections_spread_exactly()
    {
        var (cluster, backends, client) = Cluster(52, configure: c => { c.ConntrackEntries = 4096; c.ProxyMode = ProxyMode.RoundRobin; });
        Push(cluster, 7, IpProtocol.Udp, backends.Select(b => (b.Pod, b.Board, Ready)));

        for (int i = 0; i < 3000; i++)
        {
            UdpRoundTrip(cluster, backends, client);
        }

        Assert.Equal([1000L, 1000L, 1000L], Spread(cluster, backends));
    }

    [Fact]
    public void TCP_through_the_ClusterIP_reaches_a_pod_that_sees_the_clients_own_address()
    {
        var (cluster, backends, client) = Cluster(53, "whoami");
        Push(cluster, 80, IpProtocol.Tcp, backends.Skip(1).Take(1).Select(b => (b.Pod, b.Board, Ready)));
        var body = new Sink();

        var get = new HttpGet(client, Vip, 80, "web", "/", body);
        Poll(cluster, backends, () => { get.Poll(cluster.Clock.Milliseconds); return get.Done; });

        Assert.Equal(200, get.StatusCode);
        Assert.Contains("Hostname: web-2\n", body.ToString());
        Assert.Contains($"RemoteAddr: {Ipv4Address.Format(client.Address)}:", body.ToString()); // no SNAT inside the cluster
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void An_endpoint_on_the_clients_own_board_answers_through_the_bridge_translated_back()
    {
        var (cluster, backends, client) = Cluster(54, "whoami");
        Push(cluster, 80, IpProtocol.Tcp, [(backends[0].Pod, 1, Ready)]);
        var body = new Sink();

        var get = new HttpGet(client, Vip, 80, "web", "/", body);
        Poll(cluster, backends, () => { get.Poll(cluster.Clock.Milliseconds); return get.Done; });

        Assert.Equal(200, get.StatusCode);
        Assert.Contains("Hostname: web-1\n", body.ToString());
        Assert.Equal(0, cluster.Node(1).Overlay.Sent);
    }

    [Fact]
    public void Hairpin_a_pod_reaches_itself_through_its_own_service_masqueraded_to_the_gateway()
    {
        var (cluster, backends, _) = Cluster(55, "whoami");
        Push(cluster, 80, IpProtocol.Tcp, [(backends[0].Pod, 1, Ready)]);
        var body = new Sink();

        var get = new HttpGet(backends[0].Pod, Vip, 80, "web", "/", body);
        Poll(cluster, backends, () => { get.Poll(cluster.Clock.Milliseconds); return get.Done; });

        Assert.Equal(200, get.StatusCode);
        Assert.Contains("Hostname: web-1\n", body.ToString());
        Assert.Contains("RemoteAddr: 10.244.1.1:", body.ToString()); // KUBE-MARK-MASQ: the bridge address
    }

    [Fact]
    public void Client_IP_affinity_sticks_until_the_timeout_passes()
    {
        var (cluster, backends, client) = Cluster(56);
        Push(cluster, 7, IpProtocol.Udp, backends.Select(b => (b.Pod, b.Board, Ready)), tweak: s => { s.ClientIpAffinity = true; s.AffinityTimeoutSeconds = 10; });

        for (int i = 0; i < 30; i++)
        {
            UdpRoundTrip(cluster, backends, client);
        }

        Assert.Single(Spread(cluster, backends), c => c > 0);
        Assert.Equal(30, Spread(cluster, backends).Max());

        cluster.Run(10_500); // idle past the affinity timeout: the next connections choose afresh
        for (int i = 0; i < 30; i++)
        {
            UdpRoundTrip(cluster, backends, client);
            cluster.Run(11_000);
        }

        Assert.True(Spread(cluster, backends).Count(c => c > 0) > 1);
    }

    [Fact]
    public void A_removed_endpoint_gets_no_new_connections_and_its_UDP_flows_re_home()
    {
        var (cluster, backends, client) = Cluster(57);
        Push(cluster, 7, IpProtocol.Udp, backends.Select(b => (b.Pod, b.Board, Ready)));
        UdpSocket steady = client.OpenUdp(0)!;
        UdpRoundTrip(cluster, backends, client, steady);
        int first = Array.FindIndex(Spread(cluster, backends), c => c == 1);

        var remaining = backends.Where((_, i) => i != first).ToArray();
        Push(cluster, 7, IpProtocol.Udp, remaining.Select(b => (b.Pod, b.Board, Ready)));
        for (int i = 0; i < 50; i++)
        {
            UdpRoundTrip(cluster, backends, client);
        }

        Service service = cluster.Node(1).Proxy.Services.Lookup(Vip, 7, IpProtocol.Udp)!;
        Assert.DoesNotContain(backends[first].Pod.Address, service.EndpointAddresses);
        Assert.Equal(50, cluster.Node(1).Proxy.Services.Connections(service));

        UdpRoundTrip(cluster, backends, client, steady); // the same socket, the same 5-tuple
        Assert.Equal(51, cluster.Node(1).Proxy.Services.Connections(service)); // a new conntrack entry: it re-homed
    }

    [Fact]
    public void Terminating_endpoints_serve_only_when_no_endpoint_is_ready()
    {
        var (cluster, backends, client) = Cluster(58);
        const byte terminating = EndpointFlags.Serving | EndpointFlags.Terminating;
        Push(cluster, 7, IpProtocol.Udp, [(backends[0].Pod, 1, terminating), (backends[1].Pod, 2, Ready)]);
        for (int i = 0; i < 20; i++)
        {
            UdpRoundTrip(cluster, backends, client);
        }

        Assert.Equal([0L, 20L], Spread(cluster, backends));

        Push(cluster, 7, IpProtocol.Udp, [(backends[0].Pod, 1, terminating)]);
        UdpRoundTrip(cluster, backends, client);
        Assert.Equal([1L], Spread(cluster, backends));
    }

    [Fact]
    public void Internal_traffic_policy_Local_keeps_traffic_on_the_node_or_drops_it()
    {
        var (cluster, backends, client) = Cluster(59);
        Push(cluster, 7, IpProtocol.Udp, backends.Select(b => (b.Pod, b.Board, Ready)), tweak: s => s.InternalTrafficLocal = true);
        for (int i = 0; i < 20; i++)
        {
            UdpRoundTrip(cluster, backends, client);
        }

        Assert.Equal([20L, 0L, 0L], Spread(cluster, backends));

        Push(cluster, 7, IpProtocol.Udp, backends.Skip(1).Select(b => (b.Pod, b.Board, Ready)), tweak: s => s.InternalTrafficLocal = true);
        UdpSocket socket = client.OpenUdp(0)!;
        socket.SendTo(Vip, 7, [1], 0, 1);
        cluster.Run(200);
        Assert.False(socket.HasData);
        Assert.Equal(1, cluster.Node(1).Drops[DropReason.NoEndpoint]);
    }

    [Fact]
    public void A_service_without_endpoints_rejects_so_a_TCP_client_gets_connection_refused()
    {
        var (cluster, backends, client) = Cluster(60);
        Push(cluster, 80, IpProtocol.Tcp, []);

        TcpSocket socket = client.Connect(Vip, 80)!;
        Poll(cluster, backends, () => socket.State == TcpState.Closed);

        Assert.Equal(TcpError.Refused, socket.Error);
        ServiceTable services = cluster.Node(1).Proxy.Services;
        Assert.Equal(1, services.Rejected(services.Lookup(Vip, 80, IpProtocol.Tcp)!));
    }

    [Fact]
    public void A_full_conntrack_table_keeps_its_established_flows_and_refuses_new_ones()
    {
        var (cluster, backends, client) = Cluster(61, configure: c => { c.ConntrackEntries = 4; c.MaxSocketsPerPod = 16; });
        Push(cluster, 7, IpProtocol.Tcp, backends.Select(b => (b.Pod, b.Board, Ready)));
        var established = Enumerable.Range(0, 4).Select(_ => client.Connect(Vip, 7)!).ToArray();
        Poll(cluster, backends, () => established.All(s => s.IsConnected));

        var refused = Enumerable.Range(0, 4).Select(_ => client.Connect(Vip, 7)!).ToArray();
        cluster.Run(500);
        Assert.All(refused, s => Assert.Equal(TcpState.SynSent, s.State));
        Assert.True(cluster.Node(1).Proxy.Conntrack.Refused >= 4);

        byte[] buffer = new byte[8];
        foreach (TcpSocket s in established)
        {
            s.Send([9, 9], 0, 2);
        }

        Poll(cluster, backends, () => established.All(s => s.Available == 2));
        Assert.All(established, s => Assert.True(s.IsConnected));
    }

    [Fact]
    public void An_off_cluster_client_is_masqueraded_so_replies_return_through_the_node_it_entered()
    {
        var (cluster, backends, _) = Cluster(62, "whoami");
        // A fourth "board" outside the cluster CIDR (as an overlay-joined laptop is), routing
        // the service CIDR through node-1.
        var outsider = new Node(new NodeConfig { Name = "laptop", Address = SimCluster.BoardAddress(9), PodNetwork = Ipv4Address.FromOctets(10, 250, 0, 0) },
            cluster.Clock, new SimRandom(9), cluster.Network.Open(SimCluster.BoardAddress(9), VxlanHeader.IanaPort));
        Assert.True(outsider.AddRoute(Ipv4Address.FromOctets(10, 96, 0, 0), 16, SimCluster.BoardAddress(1), VxlanHeader.IanaPort, SimCluster.PodNetwork(1)));
        for (int board = 1; board <= 3; board++)
        {
            outsider.AddPeer(SimCluster.PodNetwork(board), 24, SimCluster.BoardAddress(board), VxlanHeader.IanaPort);
            cluster.Node(board).AddPeer(Ipv4Address.FromOctets(10, 250, 0, 0), 24, SimCluster.BoardAddress(9), VxlanHeader.IanaPort);
        }

        PodSandbox laptop = outsider.AddPod("default", "curl", 0)!;
        Push(cluster, 80, IpProtocol.Tcp, [(backends[2].Pod, 3, Ready)]);
        var body = new Sink();
        var get = new HttpGet(laptop, Vip, 80, "web", "/", body);
        Poll(cluster, backends, () => { outsider.Poll(); get.Poll(cluster.Clock.Milliseconds); return get.Done; }, 3000);

        Assert.Equal(200, get.StatusCode);
        Assert.Contains("Hostname: web-3\n", body.ToString());
        Assert.Contains("RemoteAddr: 10.244.1.1:", body.ToString()); // masqueraded by node-1, where it entered
    }
}
