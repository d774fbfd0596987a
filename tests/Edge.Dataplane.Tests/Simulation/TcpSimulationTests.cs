using System.Security.Cryptography;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>TCP between pods on different boards, over a wire that loses, duplicates and reorders.</summary>
[Trait("Category", Category.Simulation)]
public sealed class TcpSimulationTests
{
    private sealed record Transfer(byte[] Received, TcpSocket Client, TcpSocket Server, long Milliseconds);

    /// <summary>Sends <paramref name="data"/> from a pod on board 1 to a pod on board 2, which reads it all, then both close.</summary>
    private static Transfer Run(SimCluster cluster, byte[] data, int maxMs = 600_000)
    {
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
        TcpSocket listener = server.Listen(8080, 4)!;
        TcpSocket socket = client.Connect(server.Address, 8080)!;
        TcpSocket? accepted = null;
        var received = new MemoryStream();
        byte[] chunk = new byte[4096];
        int sent = 0;
        bool closedByClient = false;
        long start = cluster.Clock.Milliseconds;

        bool done = cluster.RunUntil(() =>
        {
            accepted ??= listener.Accept();
            if (socket.IsConnected && sent < data.Length)
            {
                sent += socket.Send(data, sent, data.Length - sent);
            }

            if (sent == data.Length && !closedByClient && socket.IsConnected)
            {
                socket.Close();
                closedByClient = true;
            }

            if (accepted != null)
            {
                int n;
                while ((n = accepted.Receive(chunk, 0, chunk.Length)) > 0)
                {
                    received.Write(chunk, 0, n);
                }

                if (accepted.EndOfStream && accepted.State == TcpState.CloseWait)
                {
                    accepted.Close();
                }
            }

            return accepted != null && accepted.State == TcpState.Closed && socket.IsClosed;
        }, maxMs);

        Assert.True(done, $"transfer stuck after {received.Length} of {data.Length} bytes: client {socket} ({TcpError.Name(socket.Error)}), " +
            $"server {accepted?.ToString() ?? "not accepted"}; drops node-1 {cluster.Node(1).Drops}, node-2 {cluster.Node(2).Drops}");
        return new Transfer(received.ToArray(), socket, accepted!, cluster.Clock.Milliseconds - start);
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    [Fact]
    public void A_listener_answers_the_socket_API_without_a_connections_state_and_its_connections_get_their_own()
    {
        var cluster = new SimCluster(2, seed: 23);
        PodSandbox idle = cluster.Node(2).AddPod("default", "idle", 0);
        TcpSocket listener = idle.Listen(9090, 2)!;

        Assert.Equal((0, 0, false, 0L), (listener.Send([1, 2, 3], 0, 3), listener.SendSpace, listener.EndOfStream, listener.SegmentsReceived));
        Assert.Equal(0, listener.Receive(new byte[8], 0, 8));

        byte[] data = RandomBytes(5_000, 3);
        Transfer t = Run(cluster, data);
        Assert.Equal(data, t.Received);
        Assert.True(t.Server.SegmentsReceived > 0);

        listener.Abort();
        Assert.Equal(TcpState.Closed, listener.State);
    }

    [Fact]
    public void A_connection_opens_carries_data_both_ways_and_closes_cleanly()
    {
        var cluster = new SimCluster(2, seed: 21);
        byte[] data = RandomBytes(20_000, 1);

        Transfer t = Run(cluster, data);

        Assert.Equal(data, t.Received);
        Assert.Equal(TcpError.None, t.Client.Error);
        Assert.Equal(TcpError.None, t.Server.Error);
        Assert.Equal(TcpState.TimeWait, t.Client.State); // the active closer waits
        Assert.Equal(0, t.Client.Retransmits);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void One_megabyte_arrives_byte_exact_under_5_percent_loss_and_reordering_for_100_seeds()
    {
        byte[] data = RandomBytes(1 << 20, 2);
        byte[] digest = SHA256.HashData(data);
        long retransmits = 0;
        for (ulong seed = 1; seed <= 100; seed++)
        {
            var cluster = new SimCluster(2, seed);
            cluster.Network.Faults = new Faults { Loss = 0.05, Duplication = 0.01, DelayMs = 2, JitterMs = 6 };

            Transfer t = Run(cluster, data);

            Assert.True(digest.AsSpan().SequenceEqual(SHA256.HashData(t.Received)), $"seed {seed}: {t.Received.Length} bytes, not the same");
            retransmits += t.Client.Retransmits;
            cluster.AssertNoLeaks();
        }

        Assert.True(retransmits > 100, "the loss really happened");
    }

    [Fact]
    public void Connecting_to_a_port_nobody_listens_on_is_refused_by_RST()
    {
        var cluster = new SimCluster(2, seed: 22);
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);

        TcpSocket socket = client.Connect(server.Address, 9)!;
        Assert.True(cluster.RunUntil(() => socket.State == TcpState.Closed, 1000));

        Assert.Equal(TcpError.Refused, socket.Error);
        Assert.Equal("connection refused", TcpError.Name(socket.Error));
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void A_partitioned_peer_times_out_after_backed_off_retransmissions()
    {
        var cluster = new SimCluster(2, seed: 23);
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
        server.Listen(80, 1);
        TcpSocket socket = client.Connect(server.Address, 80)!;
        Assert.True(cluster.RunUntil(() => socket.IsConnected, 1000));

        cluster.Network.Partition(SimCluster.BoardAddress(1), SimCluster.BoardAddress(2));
        socket.Send(new byte[100], 0, 100);
        long start = cluster.Clock.Milliseconds;
        Assert.True(cluster.RunUntil(() => socket.State == TcpState.Closed, 300_000));

        Assert.Equal(TcpError.TimedOut, socket.Error);
        Assert.Equal(TcpSocket.MaximumRetransmissions, socket.Retransmits);
        long elapsed = cluster.Clock.Milliseconds - start;
        Assert.InRange(elapsed, 200L * 255, 60_000L * 9); // 200 ms doubled 8 times, at least
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void A_receiver_that_does_not_read_closes_its_window_and_the_sender_waits_then_resumes()
    {
        var cluster = new SimCluster(2, seed: 24);
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
        TcpSocket listener = server.Listen(80, 1)!;
        TcpSocket socket = client.Connect(server.Address, 80)!;
        TcpSocket? accepted = null;
        Assert.True(cluster.RunUntil(() => (accepted ??= listener.Accept()) != null, 1000));
        byte[] data = RandomBytes(12_000, 3);
        int sent = 0;

        cluster.RunUntil(() => { sent += socket.Send(data, sent, data.Length - sent); return false; }, 3000);

        Assert.Equal(cluster.Node(2).Config.TcpReceiveBuffer, accepted!.Available); // full, and nothing lost
        Assert.True(socket.IsConnected, "zero-window probes keep the connection alive");

        var received = new MemoryStream();
        byte[] chunk = new byte[1000];
        Assert.True(cluster.RunUntil(() =>
        {
            sent += socket.Send(data, sent, data.Length - sent);
            int n;
            while ((n = accepted.Receive(chunk, 0, chunk.Length)) > 0)
            {
                received.Write(chunk, 0, n);
            }

            return received.Length == data.Length;
        }, 60_000));
        Assert.Equal(data, received.ToArray());
    }

    [Fact]
    public void The_listen_backlog_holds_back_extra_clients_until_the_server_accepts()
    {
        var cluster = new SimCluster(2, seed: 25, c => c.MaxSocketsPerPod = 8);
        PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
        TcpSocket listener = server.Listen(80, backlog: 2)!;
        var clients = Enumerable.Range(0, 4).Select(i => cluster.Node(1).AddPod("default", $"c{i}", 0).Connect(server.Address, 80)!).ToArray();

        cluster.Run(500);
        Assert.Equal(2, clients.Count(c => c.IsConnected));
        Assert.True(cluster.Node(2).Drops[DropReason.QueueFull] >= 2, "extra SYNs dropped, not refused");

        var accepted = new List<TcpSocket>();
        Assert.True(cluster.RunUntil(() =>
        {
            for (TcpSocket? s = listener.Accept(); s != null; s = listener.Accept())
            {
                accepted.Add(s);
            }

            return accepted.Count == 4 && clients.All(c => c.IsConnected);
        }, 10_000), "the SYN retransmissions get in once the queue drains");
    }

    [Fact]
    public void TIME_WAIT_is_bounded_in_time_and_in_number()
    {
        var cluster = new SimCluster(2, seed: 26, c => { c.MaxTimeWait = 2; c.TimeWaitMs = 4000; });
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
        TcpSocket listener = server.Listen(80, 4)!;
        var closed = new List<TcpSocket>();
        for (int i = 0; i < 5; i++)
        {
            TcpSocket s = client.Connect(server.Address, 80)!;
            Assert.True(cluster.RunUntil(() => s.IsConnected, 1000));
            TcpSocket a = null!;
            Assert.True(cluster.RunUntil(() => (a = listener.Accept()!) != null, 1000));
            s.Close();
            Assert.True(cluster.RunUntil(() => s.State == TcpState.FinWait2, 1000));
            a.Close();
            Assert.True(cluster.RunUntil(() => s.State == TcpState.TimeWait || s.State == TcpState.Closed, 1000));
            closed.Add(s);
        }

        Assert.Equal(2, closed.Count(s => s.State == TcpState.TimeWait));
        cluster.Run(4100);
        Assert.All(closed, s => Assert.Equal(TcpState.Closed, s.State));
        Assert.Equal(0, client.SocketCount());
        Assert.Equal(1, server.SocketCount()); // the listener
    }
}
