using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Host.Compile;
using Edge.Host.Sessions;
using Edge.VirtualBoard;

namespace Edge.Host.Tests.Sessions;

/// <summary>
/// The management protocol over a line with bit errors (a serial line at 1e-4, far worse than a
/// USB-serial cable's): the CRC keeps every damaged frame out, so no state a board applies is
/// one the host did not send; the host retries until the board acknowledges; and a board
/// unplugged in the middle of a snapshot keeps the state it had and resyncs on the next line.
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class NoisyLineTests : IDisposable
{
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromMilliseconds(40);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(AgentBoard Board, Thread Loop)> _boards = [];

    private static uint Ip(string text) => Ipv4Address.TryParse(text, out uint a) ? a : throw new ArgumentException(text);

    /// <summary>A board on its own thread, its line attached by that thread (a session is one thread's, as on a board).</summary>
    private AgentBoard Start(string address, ushort mgmtPort, Func<Edge.Dataplane.Platform.IByteStream?> lines)
    {
        var board = new AgentBoard("node-1", Ip(address), mgmtPort: mgmtPort);
        var loop = new Thread(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                if (lines() is { } line)
                {
                    board.AttachLine(line); // the cable plugged in
                }

                if (board.PollOnce() == 0)
                {
                    Thread.Sleep(1); // its own loop would wait on its UDP socket, not on this in-memory line
                }
            }
        }) { IsBackground = true };
        loop.Start();
        _boards.Add((board, loop));
        return board;
    }

    /// <summary>Lines to plug in, taken by the board's thread one at a time.</summary>
    private sealed class Cables
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<Edge.Dataplane.Platform.IByteStream> _waiting = new();

        public void Plug(Edge.Dataplane.Platform.IByteStream line) => _waiting.Enqueue(line);

        public Edge.Dataplane.Platform.IByteStream? Next() => _waiting.TryDequeue(out var line) ? line : null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var (board, loop) in _boards)
        {
            loop.Join();
            board.Dispose();
        }
    }

    /// <summary>A small state that differs every generation: a service whose port and endpoints move (the peer's address: its own test's).</summary>
    internal static DesiredState StateFor(uint generation, string peer = "127.0.10.232")
    {
        var service = new Service { Name = "web", ClusterIp = Ip("10.96.0.20"), Port = (ushort)(1000 + generation % 50000), Protocol = IpProtocol.Tcp };
        int endpoints = 1 + (int)(generation % 3);
        service.SetEndpoints(
            Enumerable.Range(0, endpoints).Select(i => Ip($"10.244.{1 + i}.{2 + generation % 200}")).ToArray(),
            Enumerable.Range(0, endpoints).Select(_ => (ushort)8080).ToArray(),
            Enumerable.Range(0, endpoints).Select(_ => (byte)(EndpointFlags.Ready | EndpointFlags.Serving)).ToArray());
        return new DesiredState
        {
            Generation = generation,
            PodNetwork = Ip("10.244.1.0"),
            Peers = [new PeerSpec { Name = "node-2", PodNetwork = Ip("10.244.2.0"), Address = Ip(peer) }],
            Pods = [new PodSpec { Name = "web", Uid = "u-web", Address = Ip("10.244.1.5"), Containers = ContainerSpec.One("whoami") }],
            Services = [service],
        };
    }

    // What the board runs, as bytes: equal to the state sent, or it applied something else.
    private static byte[] Applied(AgentBoard board) => StateDiff.Bytes(board.Agent.AppliedState!);

    [Fact]
    public async Task Ten_thousand_frames_at_a_bit_error_rate_of_1e4_apply_only_states_the_host_sent()
    {
        var line = new NoisyLine(1e-4, seed: 14);
        var cables = new Cables();
        cables.Plug(line.Board);
        AgentBoard board = Start("127.0.10.231", 7931, cables.Next);
        await using BoardClient client = BoardClient.Over(line.Host);

        int attempts = 0, failures = 0, deltas = 0;
        DesiredState? acked = null;
        for (uint generation = 1; attempts < 5000; generation++)
        {
            DesiredState state = StateFor(generation);
            while (true)
            {
                attempts++;
                StateChange? change = acked != null ? StateDiff.Compute(acked, state) : null;
                try
                {
                    if (change != null)
                    {
                        await client.SendDeltaAsync(acked!.Generation, change, AnswerWithin);
                        deltas++;
                    }
                    else
                    {
                        await client.SendSnapshotAsync(state, AnswerWithin);
                    }

                    break;
                }
                catch (BoardSessionException)
                {
                    // Damaged on the way there or back, or refused (a delta whose base the board
                    // moved past when only the answer was lost): a snapshot settles it.
                    failures++;
                    acked = null;
                }
            }

            acked = state;
            Assert.Equal(generation, board.Agent.AppliedGeneration);
            Assert.Equal(StateDiff.Bytes(state), Applied(board));
        }

        // Each attempt is a frame each way (the state, its acknowledgement), heartbeats besides.
        Assert.True(attempts >= 5000);
        Assert.True(line.BitsFlipped > 100, $"{line.BitsFlipped} bits flipped");
        Assert.True(failures > 0, $"{failures} of {attempts} attempts failed");
        Assert.True(deltas > attempts / 2, $"{deltas} deltas");
        Assert.True(board.Session.SnapshotsRefused + failures > 0);
    }

    [Fact]
    public async Task A_board_unplugged_mid_snapshot_keeps_its_state_and_resyncs_on_the_next_line()
    {
        var first = new NoisyLine(0, seed: 1);
        var cables = new Cables();
        cables.Plug(first.Board);
        AgentBoard board = Start("127.0.10.233", 7933, cables.Next);
        await using (BoardClient client = BoardClient.Over(first.Host))
        {
            await client.SendSnapshotAsync(StateFor(1), TimeSpan.FromSeconds(10));
        }

        // Half of generation 2's snapshot reaches the board, then the cable goes.
        byte[] frame = new byte[Frame.HeaderLength + Frame.MaxPayload + Frame.TrailerLength];
        var w = new PayloadWriter();
        w.Begin(frame, Frame.HeaderLength, frame.Length - Frame.TrailerLength);
        StateCodec.Encode(StateFor(2), w);
        int length = Frame.Seal(frame, 0, MessageType.Snapshot, 77, w.Length);
        first.InjectTowardsBoard(frame[..(length / 2)]);
        first.Unplug();
        await WaitFor(() => !board.Session.Attached, "the board to notice the line is gone");
        Assert.Equal(1u, board.Agent.AppliedGeneration);
        Assert.Equal(StateDiff.Bytes(StateFor(1)), Applied(board));

        var second = new NoisyLine(0, seed: 2);
        cables.Plug(second.Board);
        await using BoardClient again = BoardClient.Over(second.Host);
        BoardHello hello = await again.HelloAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1u, hello.AppliedGeneration); // the host sees what the board kept
        await again.SendSnapshotAsync(StateFor(2), TimeSpan.FromSeconds(10));

        Assert.Equal(StateDiff.Bytes(StateFor(2)), Applied(board));
    }

    private static async Task WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(5);
        }
    }
}
