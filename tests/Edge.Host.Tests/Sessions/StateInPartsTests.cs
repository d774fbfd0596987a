using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Host.Compile;
using Edge.Host.Sessions;
using Edge.VirtualBoard.Budget;

namespace Edge.Host.Tests.Sessions;

/// <summary>
/// The host's side of a state in parts, against a WROOM board's own session in this process (on
/// its USB console line: no sockets): the worst case's state, larger than the board's frame,
/// crosses in parts none of which is larger than the frame the board's Hello announced, and
/// applies; a delta does too; a state with a unit no part can hold is refused on the host with
/// what to do, before anything is sent.
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class StateInPartsTests : IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();
    private readonly NoisyLine _line = new(0, seed: 3);
    private readonly WatchedLine _board;
    private readonly NodeAgent _agent;
    private readonly BoardSession _session;
    private readonly Thread _loop;

    public StateInPartsTests()
    {
        var config = new NodeConfig { Name = "node-1", Address = 0xC0A8320B };
        MemoryClass.Apply(MemoryClass.Wroom, config);
        var clock = new TickClock();
        _agent = new NodeAgent(config, clock, new Edge.VirtualBoard.Platform.SystemRandom(), new NullPlatform.Port(), new NullPlatform.HostSockets());
        _session = new BoardSession(_agent, new NodeConfigIdentity
        {
            Name = config.Name, Address = config.Address, MaxPods = config.MaxPods,
            MaxPayload = MemoryClass.MaxPayload(MemoryClass.Wroom), MaxOutPayload = MemoryClass.MaxOutPayload(MemoryClass.Wroom),
        });
        _board = new WatchedLine(_line.Board);

        // The board's loop on its own thread (a session is one thread's, as on a board).
        _loop = new Thread(() =>
        {
            _session.Attach(_board, clock.Milliseconds);
            while (!_stop.IsCancellationRequested)
            {
                _session.Poll(clock.Milliseconds);
                if (_agent.Poll() == 0)
                {
                    Thread.Sleep(1);
                }
            }
        }) { IsBackground = true };
        _loop.Start();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Join();
    }

    [Fact]
    public async Task The_worst_case_state_crosses_to_a_WROOM_board_in_parts_no_larger_than_its_frame_and_applies()
    {
        await using BoardClient client = BoardClient.Over(_line.Host);
        BoardHello hello = await client.HelloAsync(Within);
        Assert.Equal(1280, hello.MaxPayload);
        DesiredState state = WorstCaseBoard.State(8, 32);

        await client.SendSnapshotAsync(state, Within);

        Assert.Equal(3u, _agent.AppliedGeneration);
        Assert.True(client.LastSnapshotParts > 1, $"{client.LastSnapshotParts} part");
        Assert.InRange(_board.LargestPayload, 1, hello.MaxPayload);
        Assert.Equal(client.LastSnapshotParts, _board.StateFrames);
        Assert.Equal(0, _session.GarbageBytes);
        Assert.Equal(StateDiff.Bytes(state), StateDiff.Bytes(_agent.AppliedState!));

        // A redeploy: every pod replaced (new uids and args) and every endpoint moved, a delta itself larger than the frame.
        DesiredState moved = WorstCaseBoard.State(8, 32, endpointShift: 1);
        moved.Generation = 4;
        foreach (PodSpec pod in moved.Pods)
        {
            pod.Uid = "7f" + pod.Uid[2..];
            pod.Containers[0].Args = ["--port", "8080", "--name", pod.Name];
        }

        StateChange change = StateDiff.Compute(state, moved)!;
        await client.SendDeltaAsync(3, change, Within);

        Assert.Equal(4u, _agent.AppliedGeneration);
        Assert.True(client.LastSnapshotParts > 1, $"the delta crossed in {client.LastSnapshotParts} part");
        Assert.InRange(_board.LargestPayload, 1, hello.MaxPayload);
        Assert.Equal(StateDiff.Bytes(moved), StateDiff.Bytes(_agent.AppliedState!));
    }

    [Fact]
    public async Task A_state_with_a_unit_larger_than_the_boards_frame_is_refused_on_the_host_with_what_to_do()
    {
        await using BoardClient client = BoardClient.Over(_line.Host);
        await client.HelloAsync(Within);
        DesiredState state = WorstCaseBoard.State(8, 4);
        foreach (PodSpec pod in state.Pods)
        {
            pod.Containers[0].Args = Enumerable.Range(0, 200).Select(i => $"--flag-{i}").ToArray(); // the pods' section alone over 1,280 bytes
        }

        var refused = await Assert.ThrowsAsync<BoardSessionException>(() => client.SendSnapshotAsync(state, Within));

        Assert.Contains("cannot cross in parts of 1280 bytes", refused.Message);
        Assert.Contains("the peers and pods", refused.Message);
        Assert.Equal(0, _board.StateFrames);
        Assert.Equal(0u, _agent.AppliedGeneration);
    }

    /// <summary>The board's end of the line, reading the frames that reach the board as the host sent them: how large the largest state part was.</summary>
    private sealed class WatchedLine(IByteStream inner) : IByteStream
    {
        private readonly FrameReader _frames = new();
        private readonly object _gate = new();
        private int _largest;
        private int _stateFrames;

        public int LargestPayload
        {
            get
            {
                lock (_gate)
                {
                    return _largest;
                }
            }
        }

        public int StateFrames
        {
            get
            {
                lock (_gate)
                {
                    return _stateFrames;
                }
            }
        }

        public int Read(byte[] buffer, int offset, int length)
        {
            int n = inner.Read(buffer, offset, length);
            lock (_gate)
            {
                for (int at = 0; at < n;)
                {
                    at += _frames.Push(buffer, offset + at, n - at);
                    while (_frames.Next())
                    {
                        if (_frames.Type is MessageType.Snapshot or MessageType.Delta)
                        {
                            _largest = Math.Max(_largest, _frames.PayloadLength);
                            _stateFrames++;
                        }
                    }
                }
            }

            return n;
        }

        public int Write(byte[] buffer, int offset, int length) => inner.Write(buffer, offset, length);
    }

    private sealed class TickClock : IClock
    {
        private readonly System.Diagnostics.Stopwatch _watch = System.Diagnostics.Stopwatch.StartNew();

        public long Milliseconds => _watch.ElapsedMilliseconds;
    }
}
