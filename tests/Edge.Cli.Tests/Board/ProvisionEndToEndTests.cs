using Edge.Cli.Tests.Lab;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;
using Edge.Host.Serial;
using Edge.VirtualBoard;
using Edge.VirtualBoard.Platform;

namespace Edge.Cli.Tests.Board;

/// <summary>
/// Provisioning a board on its console UART, played by a virtual board with a state directory
/// for flash on the far end of a pseudo-terminal: edgectl reads what it keeps, changes what the
/// options say, the board keeps it and restarts, and boots as the new node.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class ProvisionEndToEndTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("edge-provision-").FullName;
    private readonly PseudoTerminalPair _pty = PseudoTerminalPair.Open();
    private readonly FileStorage _flash;
    private readonly uint _address;
    private readonly EdgectlProcess _edgectl;
    private CancellationTokenSource _stop = new();
    private AgentBoard _board;
    private Thread _loop;

    private sealed class ControllerLine(PseudoTerminalPair pty) : IByteStream
    {
        public int Read(byte[] buffer, int offset, int length) => Math.Max(0, pty.ReadController(buffer, offset, length));

        public int Write(byte[] buffer, int offset, int length) => Math.Max(0, pty.WriteController(buffer, offset, length));
    }

    public ProvisionEndToEndTests()
    {
        Assert.True(Ipv4Address.TryParse("127.0.10.142", out _address));
        _flash = new FileStorage(Path.Combine(_home, "flash"));
        (_board, _loop) = Boot();
        _edgectl = new EdgectlProcess(_home, "provision");
    }

    private (AgentBoard, Thread) Boot()
    {
        var board = new AgentBoard("node-3f2a", _address, mgmtPort: 7942, storage: _flash);
        board.AttachLine(new ControllerLine(_pty));
        var loop = new Thread(() => board.Run(_stop.Token)) { IsBackground = true };
        loop.Start();
        return (board, loop);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Join();
        _board.Dispose();
        _pty.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public void A_fresh_board_is_provisioned_into_the_cluster_restarts_and_boots_as_the_new_node()
    {
        CliRun provision = _edgectl.Run("board", "provision", "--port", _pty.TerminalPath, "--board", "wt32-eth01", "--name", "lab-a");
        Assert.True(provision.ExitCode == 0, provision.Out + provision.Err);
        Assert.Contains("node-3f2a at 127.0.10.142", provision.Out);
        Assert.Matches(@"(?m)^kept\s+-\s+- \(from its MAC\)\s+DHCP\s+- \(no key\)\s*$", provision.Out);
        Assert.Matches(@"(?m)^new\s+wt32-eth01\s+lab-a\s+DHCP\s+provision \(key [0-9a-f]{8}\)\s*$", provision.Out);
        Assert.Contains("✓ node-3f2a keeps the new settings and restarts as lab-a (DHCP), in cluster \"provision\" (key ", provision.Out);

        Assert.True(_loop.Join(TimeSpan.FromSeconds(5)), "the board did not restart");
        Assert.True(_board.RestartRequested);
        uint given = BoardSettings.Load(_flash, out _).Boots; // a random start, picked by edgectl with the key
        _board.Dispose();
        (_board, _loop) = Boot();

        Assert.Equal("lab-a", _board.Plan.Name);
        Assert.Equal(MemoryClass.Wroom, _board.Plan.MemoryClass); // wt32-eth01's capacities
        Assert.Equal("provision", _board.Session.Cluster); // the cluster is edgectl's --lab (this test's edgectl runs with --lab provision)
        Assert.NotNull(_board.Session.Trust); // it now asks for the cluster's key on the network
        Assert.Contains($"provision (key {Edge.Dataplane.Trust.SessionAuth.Describe(_board.Session.Trust!.KeyId)})", provision.Out);
        Assert.Equal(given + 1, BoardSettings.Load(_flash, out _).Boots); // the boot was counted: nonces never repeat across boots
        CliRun after = _edgectl.Run("boards", "--port", _pty.TerminalPath, "--timeout", "5");
        Assert.Matches($@"(?m)^{_pty.TerminalPath}\s+lab-a at 127\.0\.10\.142", after.Out);

        CliRun show = _edgectl.Run("board", "provision", "--port", _pty.TerminalPath);
        Assert.True(show.ExitCode == 0, show.Out + show.Err);
        Assert.DoesNotContain("new ", show.Out); // in the cluster already: nothing to change
    }

    [Fact]
    public void A_board_of_another_cluster_stays_there_unless_told_to_join()
    {
        BoardSettings other = BoardSettings.Load(_flash, out _);
        other.Cluster = "other";
        other.Key = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();
        Assert.True(other.Save(_flash));
        RestartBoard();
        Assert.Equal("other", _board.Session.Cluster);

        CliRun stays = _edgectl.Run("board", "provision", "--port", _pty.TerminalPath, "--name", "lab-b", "--no-restart");
        Assert.True(stays.ExitCode == 0, stays.Out + stays.Err);
        Assert.Contains("node-3f2a belongs to cluster \"other\"", stays.Err);
        Assert.Contains("--join takes it into \"provision\"", stays.Err);
        Assert.Matches(@"(?m)^new\s+-\s+lab-b\s+DHCP\s+other \(key [0-9a-f]{8}\)\s*$", stays.Out);
        Assert.Equal(other.Key, BoardSettings.Load(_flash, out _).Key);

        CliRun joins = _edgectl.Run("board", "provision", "--port", _pty.TerminalPath, "--join", "--no-restart");
        Assert.True(joins.ExitCode == 0, joins.Out + joins.Err);
        Assert.Matches(@"(?m)^new\s+-\s+lab-b\s+DHCP\s+provision \(key [0-9a-f]{8}\)\s*$", joins.Out);
        BoardSettings kept = BoardSettings.Load(_flash, out _);
        Assert.Equal("provision", kept.Cluster);
        Assert.NotEqual(other.Key, kept.Key);

        CliRun forget = _edgectl.Run("board", "forget", "--port", _pty.TerminalPath);
        Assert.True(forget.ExitCode == 0, forget.Out + forget.Err);
        Assert.Contains("✓ node-3f2a forgot cluster \"other\"", forget.Out); // the key it ran with until this restart
        Assert.Null(BoardSettings.Load(_flash, out _).Key);
        Assert.Equal("lab-b", BoardSettings.Load(_flash, out _).Name); // only the key went
    }

    private void RestartBoard()
    {
        _stop.Cancel();
        _loop.Join();
        _board.Dispose();
        _stop = new CancellationTokenSource();
        (_board, _loop) = Boot();
    }

    [Fact]
    public void Settings_a_board_cannot_run_are_refused_before_anything_is_kept()
    {
        CliRun bad = _edgectl.Run("board", "provision", "--port", _pty.TerminalPath, "--name", "Lab_A", "--address", "192.168.50.11/24", "--gateway", "192.168.51.1");
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("error: node name \"Lab_A\" must be a DNS label", bad.Err);
        Assert.Null(_flash.Read(BoardSettings.SlotKey0));
        Assert.Null(_flash.Read(BoardSettings.SlotKey1));

        CliRun contradictory = _edgectl.Run("board", "provision", "--port", _pty.TerminalPath, "--dhcp", "--address", "192.168.50.11/24");
        Assert.Contains("error: --dhcp and --address contradict each other", contradictory.Err);

        CliRun none = _edgectl.Run("board", "provision", "--name", "lab-a");
        Assert.Contains("error: say which board: --port", none.Err);
        Assert.False(_board.RestartRequested);
    }

    [Fact]
    public void A_static_address_is_kept_for_the_next_restart_and_shown_as_the_board_keeps_it()
    {
        CliRun provision = _edgectl.Run("board", "provision", "--port", _pty.TerminalPath, "--address", "192.168.50.11/24", "--gateway", "192.168.50.1", "--no-restart");
        Assert.True(provision.ExitCode == 0, provision.Out + provision.Err);
        Assert.Contains("it boots as node-3f2a (static 192.168.50.11/24 via 192.168.50.1), in cluster \"provision\" (key ", provision.Out);
        Assert.Contains(") at its next restart", provision.Out);
        Assert.False(_board.RestartRequested);

        BoardSettings kept = BoardSettings.Load(_flash, out string? problem);
        Assert.Null(problem);
        Assert.Equal("static 192.168.50.11/24 via 192.168.50.1", kept.DescribeAddressing());
        Assert.Matches(@"(?m)^kept\s+-\s+- \(from its MAC\)\s+static 192\.168\.50\.11/24 via 192\.168\.50\.1\s+provision \(key [0-9a-f]{8}\)\s*$", _edgectl.Run("board", "provision", "--port", _pty.TerminalPath).Out);
    }
}
