using Edge.Dataplane.Boards;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>
/// A WROOM board runs with few packet buffers and small ARP caches to fit its heap; traffic must
/// still flow, with neighbours re-resolved rather than packets lost for good.
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class WroomCapacitySimulationTests
{
    private static SimCluster WroomBoards(int boards, ulong seed) => new(boards, seed, c => MemoryClass.Apply(MemoryClass.Wroom, c));

    [Fact]
    public void Every_pod_of_a_full_WROOM_board_reaches_every_other_though_a_pod_remembers_only_three_neighbours()
    {
        var cluster = WroomBoards(1, seed: 71);
        Assert.Equal(3, cluster.Node(1).Config.ArpEntries);
        PodSandbox[] pods = Enumerable.Range(0, 8).Select(i => cluster.Node(1).AddPod("default", $"pod-{i}", 0)).ToArray();
        IcmpEchoSocket[] echo = pods.Select(p => p.OpenEcho()).ToArray();

        // One ping at a time, every pod to every other: each new neighbour evicts the oldest of three.
        var answered = new HashSet<(int, int)>();
        for (int from = 0; from < 8; from++)
        {
            for (int to = 0; to < 8; to++)
            {
                if (from == to)
                {
                    continue;
                }

                echo[from].Send(pods[to].Address, (ushort)to, 56);
                cluster.Run(20);
                while (echo[from].TryReadReply(out _, out uint replyFrom, out _, out _))
                {
                    answered.Add((from, Array.FindIndex(pods, p => p.Address == replyFrom)));
                }
            }
        }

        cluster.Run(1_000);
        for (int from = 0; from < 8; from++)
        {
            while (echo[from].TryReadReply(out _, out uint replyFrom, out _, out _))
            {
                answered.Add((from, Array.FindIndex(pods, p => p.Address == replyFrom)));
            }
        }

        Assert.Equal(56, answered.Count);
        Assert.True(cluster.Node(1).Drops.Total == 0, cluster.Node(1).Drops.ToString());
    }

    [Fact]
    public void A_bulk_transfer_between_two_WROOM_boards_arrives_whole_with_six_packet_buffers()
    {
        var cluster = WroomBoards(2, seed: 72);
        Assert.Equal(6, cluster.Node(1).Config.PacketBuffers);
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
        TcpSocket listener = server.Listen(8080, 2)!;
        TcpSocket socket = client.Connect(server.Address, 8080)!;
        byte[] data = new byte[64 * 1024];
        new Random(72).NextBytes(data);
        var received = new MemoryStream();
        byte[] chunk = new byte[1024];
        TcpSocket? accepted = null;
        int sent = 0;

        bool done = cluster.RunUntil(() =>
        {
            accepted ??= listener.Accept();
            if (socket.IsConnected && sent < data.Length)
            {
                sent += socket.Send(data, sent, data.Length - sent);
            }

            int n;
            while (accepted != null && (n = accepted.Receive(chunk, 0, chunk.Length)) > 0)
            {
                received.Write(chunk, 0, n);
            }

            return received.Length == data.Length;
        }, 600_000);

        Assert.True(done, $"stuck at {received.Length} of {data.Length} bytes; drops node-1 {cluster.Node(1).Drops}, node-2 {cluster.Node(2).Drops}");
        Assert.Equal(data, received.ToArray());
    }
}
