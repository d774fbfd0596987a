using Edge.Dataplane.Worker;
using System.Buffers.Binary;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Net;
using Edge.Dataplane.Tests.Simulation;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Dns;

/// <summary>Names outside the cluster go to the node's upstream; the node never becomes an open loop.</summary>
[Trait("Category", Category.Simulation)]
public sealed class ForwarderSimulationTests
{
    private static readonly uint Upstream = Ipv4Address.FromOctets(192, 168, 50, 53);
    private static readonly uint Vip = Ipv4Address.FromOctets(10, 96, 0, 10);

    private sealed class Lab
    {
        public readonly SimClock Clock = new();
        public readonly SimNetwork Network;
        public readonly Node Node;
        public readonly SimPort UpstreamPort;
        public readonly List<ushort> IdsSeenUpstream = [];
        public bool UpstreamAnswers = true;

        public Lab()
        {
            Network = new SimNetwork(Clock, new SimRandom(5));
            var config = new NodeConfig { Name = "node-1", Address = SimCluster.BoardAddress(1), PodNetwork = SimCluster.PodNetwork(1), DnsUpstream = Upstream };
            Node = new Node(config, Clock, new SimRandom(6), Network.Open(config.Address, config.VxlanPort), new SimHostSockets(Network, config.Address));
            UpstreamPort = Network.Open(Upstream, 53);
        }

        public void Step()
        {
            Clock.Milliseconds++;
            Network.Deliver();
            Node.Poll();
            byte[] buffer = new byte[1500];
            int n;
            while ((n = UpstreamPort.Receive(buffer, 0, buffer.Length, out uint from, out ushort port)) >= 0)
            {
                IdsSeenUpstream.Add(BinaryPrimitives.ReadUInt16BigEndian(buffer));
                if (UpstreamAnswers)
                {
                    byte[] answer = Answer(buffer[..n]);
                    UpstreamPort.Send(from, port, answer, 0, answer.Length);
                }
            }
        }

        // A tiny upstream: answers any A question with 93.184.216.34.
        private static byte[] Answer(byte[] query)
        {
            var m = query.ToList();
            m[2] = 0x81;
            m[3] = 0x80;
            m[7] = 1;
            m.AddRange([0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34]);
            return m.ToArray();
        }
    }

    private static byte[] AskFromPod(Lab lab, string name, ushort id)
    {
        PodSandbox pod = lab.Node.FindPod("default", "client") ?? lab.Node.AddPod("default", "client", 0)!;
        UdpSocket socket = pod.OpenUdp(0)!;
        byte[] query = DnsMessages.Query(name, DnsType.A, id);
        socket.SendTo(Vip, 53, query, 0, query.Length);
        for (int i = 0; i < 5000 && !socket.HasData; i++)
        {
            lab.Step();
        }

        byte[] buffer = new byte[1232];
        int n = socket.ReceiveFrom(buffer, 0, buffer.Length, out _, out _);
        socket.Close();
        Assert.True(n > 0, "no answer");
        return buffer[..n];
    }

    [Fact]
    public void An_outside_name_is_forwarded_with_a_fresh_ID_and_answered_with_the_clients()
    {
        var lab = new Lab();

        DnsMessages.Response r = DnsMessages.Parse(AskFromPod(lab, "example.com.", 0x1111));

        Assert.Equal(0x1111, r.Id);
        Assert.Equal(["example.com. 60 IN A 93.184.216.34"], r.Answer);
        Assert.Single(lab.IdsSeenUpstream);
        Assert.NotEqual(0x1111, lab.IdsSeenUpstream[0]);
        Assert.True(r.Ra);
    }

    [Fact]
    public void A_silent_upstream_gives_SERVFAIL_after_the_timeout()
    {
        var lab = new Lab { UpstreamAnswers = false };
        long start = lab.Clock.Milliseconds;

        DnsMessages.Response r = DnsMessages.Parse(AskFromPod(lab, "example.com.", 0x2222));

        Assert.Equal(DnsRcode.ServFail, r.Rcode);
        Assert.Equal(0x2222, r.Id);
        Assert.InRange(lab.Clock.Milliseconds - start, DnsForwarder.TimeoutMs, DnsForwarder.TimeoutMs + 100);
    }

    [Fact]
    public void A_client_on_the_LAN_is_refused_outside_names_so_the_board_is_no_open_resolver_and_no_loop()
    {
        var lab = new Lab();
        lab.Node.DnsZone.SetService(new DnsService { Name = "web", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 20) });
        SimPort laptop = lab.Network.Open(Ipv4Address.FromOctets(192, 168, 50, 200), 40000);
        foreach ((SimPort asker, string name, ushort id) in new[] { (laptop, "example.com.", (ushort)0x3331), (lab.UpstreamPort, "loop.example.", (ushort)0x3333), (laptop, "web.default.svc.cluster.local.", (ushort)0x3334) })
        {
            byte[] query = DnsMessages.Query(name, DnsType.A, id);
            asker.Send(SimCluster.BoardAddress(1), 53, query, 0, query.Length);
        }

        var answers = new List<DnsMessages.Response>();
        byte[] buffer = new byte[1232];
        for (int i = 0; i < 50; i++)
        {
            lab.Step();
            int n;
            while ((n = laptop.Receive(buffer, 0, buffer.Length, out _, out _)) >= 0)
            {
                answers.Add(DnsMessages.Parse(buffer[..n]));
            }
        }

        Assert.Equal(DnsRcode.Refused, answers.Single(a => a.Id == 0x3331).Rcode);
        Assert.False(answers.Single(a => a.Id == 0x3331).Ra);
        Assert.Equal(["web.default.svc.cluster.local. 5 IN A 10.96.0.20"], answers.Single(a => a.Id == 0x3334).Answer); // cluster names are answered
        Assert.Equal([(ushort)0x3333], lab.IdsSeenUpstream); // the upstream's own query came back REFUSED; nothing was forwarded
        Assert.Equal(0, lab.Node.Dns.Server.Forwarded);

        // A pod on the board still gets outside names through the upstream.
        Assert.Equal(["example.com. 60 IN A 93.184.216.34"], DnsMessages.Parse(AskFromPod(lab, "example.com.", 0x3335)).Answer);
    }

    [Fact]
    public void Cluster_names_are_still_answered_locally_with_an_upstream_set()
    {
        var lab = new Lab();
        lab.Node.DnsZone.SetService(new DnsService { Name = "web", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 20) });

        DnsMessages.Response r = DnsMessages.Parse(AskFromPod(lab, "web.default.svc.cluster.local.", 7));

        Assert.Equal(["web.default.svc.cluster.local. 5 IN A 10.96.0.20"], r.Answer);
        Assert.Empty(lab.IdsSeenUpstream);
    }

    [Fact]
    public void A_query_waits_in_its_socket_while_every_packet_buffer_is_taken_and_is_answered_when_one_is_free()
    {
        var lab = new Lab();
        lab.Node.DnsZone.SetService(new DnsService { Name = "web", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 20) });
        SimPort laptop = lab.Network.Open(Ipv4Address.FromOctets(192, 168, 50, 10), 5353);
        var held = new List<PacketBuffer>();
        for (PacketBuffer? b = lab.Node.Context.Pool.Rent(); b != null; b = lab.Node.Context.Pool.Rent())
        {
            held.Add(b);
        }

        byte[] query = DnsMessages.Query("web.default.svc.cluster.local.", DnsType.A, 0x5151);
        laptop.Send(lab.Node.Config.Address, 53, query, 0, query.Length);
        byte[] buffer = new byte[1232];
        for (int i = 0; i < 50; i++)
        {
            lab.Step();
        }

        Assert.Equal(-1, laptop.Receive(buffer, 0, buffer.Length, out _, out _)); // no buffer to read it into: not answered, not dropped

        held.ForEach(lab.Node.Context.Pool.Return);
        int n = -1;
        for (int i = 0; i < 50 && n < 0; i++)
        {
            lab.Step();
            n = laptop.Receive(buffer, 0, buffer.Length, out _, out _);
        }

        DnsMessages.Response r = DnsMessages.Parse(buffer[..n]);
        Assert.Equal(0x5151, r.Id);
        Assert.Equal(["web.default.svc.cluster.local. 5 IN A 10.96.0.20"], r.Answer);
        Assert.Equal(lab.Node.Context.Pool.Capacity, lab.Node.Context.Pool.Available); // the buffer went back
    }
}
