using System.Diagnostics;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Host.Compile;
using Edge.Host.Serial;
using Edge.Host.Sessions;
using Edge.VirtualBoard;
using Xunit.Abstractions;

namespace Edge.Host.Tests.Sessions;

/// <summary>
/// <see cref="NoisyLineTests"/>' first test over a real pseudo-terminal instead of a line in
/// memory, as a USB serial console is on Linux: edgectl's <see cref="SerialLine"/> opens the
/// terminal end raw, a virtual board runs on the controller end, and between the board and the
/// controller every bit it reads or writes is flipped with probability 1e-4. The kernel's tty
/// layer is the peer here (its buffering, its partial reads and writes), hence Interop.
/// </summary>
[Trait("Category", Category.Interop)]
public sealed class NoisyPtyTests(ITestOutputHelper output) : IDisposable
{
    private const double BitErrorRate = 1e-4;

    // A timeout only costs a retry, and each damaged frame costs one: an answer takes a few
    // milliseconds through the pty (up to ~100 on a machine with every core busy, where a late
    // answer is just one more retry), while the ~540 damaged attempts of a run wait under a minute.
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromMilliseconds(100);
    private readonly PseudoTerminalPair _pty = PseudoTerminalPair.Open();
    private readonly CancellationTokenSource _stop = new();
    private AgentBoard? _board;
    private Thread? _loop;

    private static uint Ip(string text) => Ipv4Address.TryParse(text, out uint a) ? a : throw new ArgumentException(text);

    /// <summary>
    /// The board's end of the wire, the pty controller, with each bit of what the board reads and
    /// what it writes flipped with the given probability (each direction its own seeded generator).
    /// </summary>
    private sealed class NoisyController(PseudoTerminalPair pty, double rate, int seed) : IByteStream
    {
        private readonly Random _towardsBoard = new(seed);
        private readonly Random _towardsHost = new(seed + 1);
        private byte[] _scratch = new byte[256];
        private int[] _flips = new int[256];
        private long _flipped;

        public long BitsFlipped => Interlocked.Read(ref _flipped);

        public int Read(byte[] buffer, int offset, int length)
        {
            int n = pty.ReadController(buffer, offset, length);
            for (int i = 0; i < n; i++)
            {
                buffer[offset + i] ^= Noise(_towardsBoard, out int bits);
                Interlocked.Add(ref _flipped, bits);
            }

            return n;
        }

        public int Write(byte[] buffer, int offset, int length)
        {
            if (_scratch.Length < length)
            {
                _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
                _flips = new int[_scratch.Length];
            }

            for (int i = 0; i < length; i++)
            {
                _scratch[i] = (byte)(buffer[offset + i] ^ Noise(_towardsHost, out _flips[i]));
            }

            int n = pty.WriteController(_scratch, 0, length);
            for (int i = 0; i < n; i++)
            {
                Interlocked.Add(ref _flipped, _flips[i]); // only what went on the line (the rest the board writes again, with new noise)
            }

            return n;
        }

        private byte Noise(Random random, out int bits)
        {
            byte mask = 0;
            bits = 0;
            for (int bit = 0; bit < 8; bit++)
            {
                if (random.NextDouble() < rate)
                {
                    mask |= (byte)(1 << bit);
                    bits++;
                }
            }

            return mask;
        }
    }

    [Fact]
    public async Task Ten_thousand_frames_at_a_bit_error_rate_of_1e4_on_a_pseudo_terminal_apply_only_states_the_host_sent()
    {
        using SerialLine line = SerialLine.Open(_pty.TerminalPath, 115200); // open before the board: its controller reads see a terminal there
        var noisy = new NoisyController(_pty, BitErrorRate, seed: 41);
        AgentBoard board = _board = new AgentBoard("node-1", Ip("127.0.10.236"), mgmtPort: 7936);
        board.AttachLine(noisy);
        _loop = new Thread(() => board.Run(_stop.Token)) { IsBackground = true };
        _loop.Start();
        await using BoardClient client = BoardClient.Over(line);

        var took = Stopwatch.StartNew();
        int attempts = 0, failures = 0, deltas = 0;
        TimeSpan slowest = TimeSpan.Zero;
        DesiredState? acked = null;
        for (uint generation = 1; attempts < 5000; generation++)
        {
            DesiredState state = NoisyLineTests.StateFor(generation, peer: "127.0.10.237");
            while (true)
            {
                attempts++;
                long sent = Stopwatch.GetTimestamp();
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

                    slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, Stopwatch.GetElapsedTime(sent).Ticks));
                    break;
                }
                catch (Exception e) when (e is BoardSessionException or TimeoutException)
                {
                    // Damaged on the way there or back (the hello too, before the first state), or
                    // refused (a delta whose base the board moved past when only the answer was
                    // lost): a snapshot settles it.
                    failures++;
                    acked = null;
                    Assert.True(client.Connected, "the host's end of the pty closed");
                }
            }

            acked = state;
            Assert.Equal(generation, board.Agent.AppliedGeneration);
            Assert.Equal(StateDiff.Bytes(state), StateDiff.Bytes(board.Agent.AppliedState!));
        }

        took.Stop();
        string summary = $"{attempts} attempts, {failures} failed, {deltas} deltas, {noisy.BitsFlipped} bits flipped, slowest answer {slowest.TotalMilliseconds:0} ms, {took.Elapsed.TotalSeconds:0.0} s";
        output.WriteLine(summary);
        Assert.True(attempts >= 5000, summary);
        Assert.True(noisy.BitsFlipped > 100, summary);
        Assert.True(failures > 0, summary);
    }

    public void Dispose()
    {
        _stop.Cancel();
        bool stopped = _loop?.Join(TimeSpan.FromSeconds(30)) ?? true;
        if (stopped)
        {
            _board?.Dispose(); // not under a thread that still polls it
        }

        _pty.Dispose();
        Assert.True(stopped, "the board's thread did not stop");
    }
}
