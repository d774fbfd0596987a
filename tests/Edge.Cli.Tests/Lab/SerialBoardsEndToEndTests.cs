using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;
using Edge.Host.Serial;
using Edge.VirtualBoard;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// A board on a serial line, as on a workshop table, played by a virtual board on the far end
/// of a pseudo-terminal: `edgectl boards` finds its firmware, `edgectl up` makes it a node,
/// and a pod on it runs a tool through `exec`, all over the serial protocol.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class SerialBoardsEndToEndTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("edge-serial-").FullName;
    private readonly PseudoTerminalPair _pty = PseudoTerminalPair.Open();
    private readonly CancellationTokenSource _stop = new();
    private readonly AgentBoard _board;
    private readonly Thread _loop;
    private readonly EdgectlProcess _edgectl;

    /// <summary>
    /// The board's end of the wire. A UART has no hang-up: when the host closes its end (the
    /// probe does), the board's line just goes quiet, so the pty's EIO reads as "nothing yet".
    /// </summary>
    private sealed class ControllerLine(PseudoTerminalPair pty) : IByteStream
    {
        public int Read(byte[] buffer, int offset, int length) => Math.Max(0, pty.ReadController(buffer, offset, length));

        public int Write(byte[] buffer, int offset, int length) => Math.Max(0, pty.WriteController(buffer, offset, length));
    }

    public SerialBoardsEndToEndTests()
    {
        Assert.True(Ipv4Address.TryParse("127.0.10.141", out uint address));
        _board = new AgentBoard("node-7", address, mgmtPort: 7941);
        _board.AttachLine(new ControllerLine(_pty));
        _loop = new Thread(() => _board.Run(_stop.Token)) { IsBackground = true };
        _loop.Start();
        _edgectl = new EdgectlProcess(_home, "serial");
    }

    public void Dispose()
    {
        _edgectl.Run("lab", "down", "--purge");
        _stop.Cancel();
        _loop.Join();
        _board.Dispose();
        _pty.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public void Boards_finds_the_firmware_and_up_makes_it_a_node_that_runs_pods()
    {
        CliRun boards = _edgectl.Run("boards", "--port", _pty.TerminalPath, "--port", "/dev/ttyUSB-edge-missing", "--timeout", "5");
        Assert.Equal(0, boards.ExitCode);
        Assert.Matches($@"(?m)^{_pty.TerminalPath}\s+node-7 at 127\.0\.10\.141, firmware 0\.1\.0, generation 0$", boards.Out);
        Assert.Contains("/dev/ttyUSB-edge-missing", boards.Out);
        Assert.Contains("is the board plugged in?", boards.Out);

        CliRun up = _edgectl.Run("up", "--port", _pty.TerminalPath, "--timeout", "30");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Assert.Contains("✓ node-7 Ready (pod CIDR 10.244.7.0/24)", up.Out);
        Assert.Contains($"serial://{_pty.TerminalPath}?baud=115200", _edgectl.Run("get", "nodes", "-o", "wide").Out);

        Assert.Equal(0, _edgectl.Run("apply", "-f", "examples/client.yaml").ExitCode);
        for (int i = 0; i < 100 && !_edgectl.Run("get", "pod", "client").Out.Contains("Running"); i++)
        {
            Thread.Sleep(100);
        }

        CliRun ping = _edgectl.Run("exec", "client", "--", "ping", "-c", "1", "10.244.7.1");
        Assert.True(ping.ExitCode == 0, ping.Out + ping.Err);
        Assert.Contains("1 packets transmitted, 1 packets received, 0% packet loss", ping.Out);
        Assert.Matches(@"(?m)^node-7\s+board\s+-\s+serial://", _edgectl.Run("lab", "status").Out);
    }
}
