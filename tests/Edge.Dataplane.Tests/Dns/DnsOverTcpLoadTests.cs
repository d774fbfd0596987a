using Edge.Dataplane.Dns;
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;

namespace Edge.Dataplane.Tests.Dns;

/// <summary>
/// DNS over TCP on the board's address has a few client slots (a WROOM board one). Clients
/// beyond them are shed at once, closed and counted, rather than left in the platform's backlog
/// to wait out their connect; a slot a client gives back answers the next one.
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class DnsOverTcpLoadTests
{
    [Fact]
    public void Clients_beyond_the_TCP_slots_are_shed_at_once_and_a_freed_slot_answers_the_next()
    {
        var cluster = new TestCluster(1, 71, 0, null, true);
        Node node = cluster.Node(1);
        node.DnsZone.SetService(new DnsService { Name = "web", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 20) });
        cluster.Run(2);
        LabSockets board = cluster.Sockets[0];

        // Every slot taken by a client that sent a length and then nothing.
        var held = new List<LabConnection>();
        for (int i = 0; i < node.Config.DnsTcpClients; i++)
        {
            LabConnection client = board.Dial(53, Ipv4Address.FromOctets(192, 168, 50, (byte)(10 + i)))!;
            client.Send([0, 40], 0, 2);
            held.Add(client);
            cluster.Run(2);
        }

        LabConnection extra = board.Dial(53, Ipv4Address.FromOctets(192, 168, 50, 99))!;
        Assert.True(cluster.RunUntil(() => extra.ClosedByBoard, 10), "shed within a few turns");
        Assert.All(held, c => Assert.False(c.ClosedByBoard));
        Assert.Equal(1, node.Drops[DropReason.SocketLimit]);

        held[0].Close();
        LabConnection next = board.Dial(53, Ipv4Address.FromOctets(192, 168, 50, 100))!;
        byte[] query = DnsMessages.Query("web.default.svc.cluster.local.", DnsType.A, id: 0x7766);
        next.Send([(byte)(query.Length >> 8), (byte)query.Length, .. query], 0, query.Length + 2);
        byte[] answer = new byte[514];
        int got = 0;
        Assert.True(cluster.RunUntil(() =>
        {
            got += next.Receive(answer, got, answer.Length - got);
            return got >= 2 && got >= 2 + ((answer[0] << 8) | answer[1]);
        }, 100), $"answered once a slot was free: {got} bytes, closed {next.ClosedByBoard}, drops {cluster.DropsText()}, tcp queries {node.Dns.Server.Queries}");
        DnsMessages.Response response = DnsMessages.Parse(answer[2..got]);
        Assert.Equal(0x7766, response.Id);
        Assert.Equal(["web.default.svc.cluster.local. 5 IN A 10.96.0.20"], response.Answer);
    }
}
