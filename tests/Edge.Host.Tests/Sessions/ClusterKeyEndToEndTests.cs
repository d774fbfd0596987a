using System.Net;
using System.Net.Sockets;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;
using Edge.Host.Cluster;
using Edge.Host.Sessions;
using Edge.Host.Store;
using Edge.Host.Tests.Trust;
using Edge.Host.Trust;
using Edge.VirtualBoard;

namespace Edge.Host.Tests.Sessions;

/// <summary>
/// Boards obey only their cluster's control plane (issue 19's "Trust"), on virtual boards over
/// real TCP: another cluster's edgectl is refused with the owning cluster named and never
/// disturbs the session; a board with no key takes no control plane; a frame changed or
/// replayed on the wire (by a relay that re-seals the CRC, as an attacker would) ends the
/// session on the board; a rekey moves the board to a new key, and a board that missed it
/// is given it when it next proves the previous one.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class ClusterKeyEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly List<(AgentBoard Board, CancellationTokenSource Stop, Thread Loop)> _boards = [];
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-trust-").FullName;

    private static string Address(int n) => $"127.0.10.{240 + n}";

    private (AgentBoard Board, StringWriter Log) Start(int n, IStorage? flash, ushort mgmtPort = AgentBoard.DefaultMgmtPort, IByteStream? console = null)
    {
        var log = new StringWriter();
        Assert.True(Ipv4Address.TryParse(Address(n), out uint address));
        var board = new AgentBoard($"node-{n}", address, mgmtPort: mgmtPort, log: TextWriter.Synchronized(log), storage: flash);
        if (console != null)
        {
            board.AttachLine(console); // its USB console, before its loop runs
        }

        var stop = new CancellationTokenSource();
        var loop = new Thread(() => board.Run(stop.Token)) { IsBackground = true };
        loop.Start();
        _boards.Add((board, stop, loop));
        return (board, log);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (IAsyncDisposable d in Enumerable.Reverse(_disposables))
        {
            await d.DisposeAsync();
        }

        foreach ((AgentBoard board, CancellationTokenSource stop, Thread loop) in _boards)
        {
            stop.Cancel();
            loop.Join();
            board.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Another_clusters_control_plane_is_refused_by_name_and_never_disturbs_the_session()
    {
        (AgentBoard board, StringWriter boardLog) = Start(1, TestCluster.Provisioned());
        ControlPlane ours = StartControlPlane("ours", TestCluster.Key, board: 1);
        await WaitFor(() => board.Agent.AppliedGeneration > 0 && ours.Boards.Single().Connected, "the board synced by its own control plane");
        uint generation = board.Agent.AppliedGeneration;

        var rogueLog = new StringWriter();
        ControlPlane rogue = StartControlPlane("rogue", TestCluster.Other, board: 1, TextWriter.Synchronized(rogueLog));
        await WaitFor(() => rogue.Boards.Single().Problem?.Contains("belongs to", StringComparison.Ordinal) == true, "the rogue control plane told whose board it is");

        string problem = rogue.Boards.Single().Problem!;
        Assert.Contains($"node-1 belongs to cluster \"test\" (key {Edge.Dataplane.Trust.SessionAuth.Describe(TestCluster.Key.Id)})", problem);
        Assert.Contains("not to cluster \"other\"", problem);
        Assert.Contains("edgectl board provision --port", problem);
        Assert.Null(rogue.Store.Get("Node", "", "node-1")); // never became a node of the other cluster

        // The rogue keeps redialling; the board refuses each attempt and its session stays where it was.
        await WaitFor(() => CountOf(boardLog.ToString(), "refused a connection on port 7900") >= 3, "three refusals on the board's console");
        Assert.Contains("refused a connection on port 7900: a connection closed before it proved the cluster key", boardLog.ToString()); // edgectl saw the key id and did not try
        Assert.True(ours.Boards.Single().Connected);
        Assert.Equal(1, CountOf(boardLog.ToString(), "control plane connected"));
        Assert.Equal(generation, board.Agent.AppliedGeneration);
    }

    [Fact]
    public async Task A_board_without_a_key_takes_no_control_plane_and_the_host_says_to_provision_it()
    {
        Start(2, flash: null);
        await using BoardClient client = await BoardClient.ConnectAsync(Address(2), AgentBoard.DefaultMgmtPort, TestCluster.Key);

        var refused = await Assert.ThrowsAsync<BoardSessionException>(() => client.HelloAsync(Timeout));

        Assert.StartsWith("node-2 has no cluster key, so it takes no control plane on the network: provision it into this cluster over USB (edgectl board provision --port PORT)", refused.Message);
    }

    [Fact]
    public async Task A_frame_changed_on_the_wire_ends_the_session_and_so_does_a_replayed_one()
    {
        // The relay sits at the board's own address (its management port moved aside), as an
        // attacker on the path would: the handshake binds the address dialled, which is the board's.
        (AgentBoard board, StringWriter boardLog) = Start(3, TestCluster.Provisioned(), mgmtPort: 7943);
        await using var relay = new TamperingRelay(Address(3), AgentBoard.DefaultMgmtPort, Address(3), 7943);

        BoardClient client = await BoardClient.ConnectAsync(Address(3), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        _disposables.Add(client);
        await client.HelloAsync(Timeout);
        Assert.True(client.Authenticated);
        await client.ViewAsync(Edge.Dataplane.Agent.BoardSession.ViewConntrack, Timeout); // sealed both ways, through the relay

        relay.FlipNextFrame = true; // one byte of the next frame's body, CRC made good again
        await Assert.ThrowsAsync<BoardSessionException>(() => client.ViewAsync(Edge.Dataplane.Agent.BoardSession.ViewIptables, Timeout));
        // The board counts the broken session, then says so on its console: wait for both.
        await WaitFor(() => board.Session.SessionsBroken == 1
            && boardLog.ToString().Contains("ended the control plane's session: a frame failed its MAC or came out of sequence", StringComparison.Ordinal),
            "the board ending the session and saying why");

        BoardClient again = await BoardClient.ConnectAsync(Address(3), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        _disposables.Add(again);
        await again.HelloAsync(Timeout);
        await again.ViewAsync(Edge.Dataplane.Agent.BoardSession.ViewIpvs, Timeout); // a good session again
        relay.ReplayLastFrame = true; // the next sealed frame the host sends goes twice
        Task view = again.ViewAsync(Edge.Dataplane.Agent.BoardSession.ViewIpvs, Timeout);
        await WaitFor(() => board.Session.SessionsBroken == 2, "the board ending the session on the replay");
        await view.ContinueWith(_ => { }, TaskScheduler.Default); // answered or cut: the session is over either way
        Assert.False(board.Session.Attached);
    }

    [Fact]
    public async Task Requests_from_many_threads_at_once_keep_the_session_whole()
    {
        // Sealing (the senders) and opening (the read loop) run at once on the host: each has its
        // own state, or the two would garble each other's MACs and the host would end the session.
        Start(10, TestCluster.Provisioned());
        await using BoardClient client = await BoardClient.ConnectAsync(Address(10), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await client.HelloAsync(Timeout);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 2500; i++)
            {
                await client.ViewAsync(Edge.Dataplane.Agent.BoardSession.ViewIpvs, Timeout);
            }
        })));

        Assert.Null(client.Broken);
        Assert.True(client.Authenticated && client.Connected);
    }

    [Fact]
    public async Task A_connection_forwarded_from_another_address_gets_no_board()
    {
        // Someone without the key answers at node-9's address and forwards to node-8: the host
        // proves the key for the address it dialled, which is not node-8's, so node-8 refuses.
        (AgentBoard board, StringWriter boardLog) = Start(8, TestCluster.Provisioned());
        await using var forwarder = new TamperingRelay(Address(9), AgentBoard.DefaultMgmtPort, Address(8), AgentBoard.DefaultMgmtPort);
        await using BoardClient client = await BoardClient.ConnectAsync(Address(9), AgentBoard.DefaultMgmtPort, TestCluster.Key);

        var refused = await Assert.ThrowsAsync<BoardSessionException>(() => client.HelloAsync(Timeout));

        Assert.True(refused.Untrusted);
        Assert.StartsWith("node-8 refused this control plane: this board belongs to cluster \"test\"", refused.Message);
        await WaitFor(() => boardLog.ToString().Contains("the proof was not of its key on this connection's nonce", StringComparison.Ordinal),
            "the board saying why it refused"); // its console line may come after the host read the refusal
        Assert.False(board.Session.Attached);
    }

    [Fact]
    public async Task A_rekey_moves_the_board_to_a_new_key_and_a_board_that_missed_it_gets_it_next_time()
    {
        IStorage flash = TestCluster.Provisioned();
        (AgentBoard board, _) = Start(4, flash);
        var kept = new List<ClusterKey>();
        ControlPlane controlPlane = StartControlPlane("rekey", TestCluster.Key, board: 4, saveKey: kept.Add);
        await WaitFor(() => controlPlane.Boards.Single().Connected, "the board connected");

        IReadOnlyList<(string Board, string? Error)> outcomes = await controlPlane.RekeyAsync();

        Assert.Equal([("node-4", (string?)null)], outcomes);
        ClusterKey rotated = Assert.Single(kept); // kept before any board was given it
        Assert.Equal(TestCluster.Key.Key, rotated.Previous);
        Assert.Equal(rotated.Key, Edge.Dataplane.Boards.BoardSettings.Load(flash, out _).Key);
        Assert.Equal(rotated.Id, board.Session.Trust!.KeyId);

        // The old key alone no longer opens a session; the new one does.
        await using (BoardClient old = await BoardClient.ConnectAsync(Address(4), AgentBoard.DefaultMgmtPort, TestCluster.Key))
        {
            var refused = await Assert.ThrowsAsync<BoardSessionException>(() => old.HelloAsync(Timeout));
            Assert.Contains($"belongs to cluster \"test\" (key {Edge.Dataplane.Trust.SessionAuth.Describe(rotated.Id)})", refused.Message);
        }

        // A board that was off at the rekey still holds the previous key: the control plane proves that one and hands it the new.
        (AgentBoard late, _) = Start(5, TestCluster.Provisioned());
        controlPlane.AddBoard(BoardLink.Parse($"tcp://{Address(5)}:{AgentBoard.DefaultMgmtPort}"));
        await WaitFor(() => late.Session.Trust!.KeyId == rotated.Id, "the late board given the new key");
    }

    [Fact]
    public async Task A_board_without_a_console_is_claimed_once_on_the_network_and_then_obeys_that_cluster()
    {
        var flash = new MemoryStorage();
        Start(6, flash);
        await using (BoardClient claim = await BoardClient.ConnectAsync(Address(6), AgentBoard.DefaultMgmtPort, TestCluster.Key))
        {
            BoardHello hello = await claim.ClaimAsync(Timeout);
            Assert.Equal(Messages.LineNoKey, hello.Trust);
            BoardSettingsAnswer current = await claim.SettingsAsync(Timeout);
            Assert.Equal(0u, current.KeyId);

            // Nothing of the node is served on a claim: a state is not even answered.
            await Assert.ThrowsAsync<BoardSessionException>(() => claim.SendSnapshotAsync(new DesiredState { Generation = 1 }, TimeSpan.FromMilliseconds(500)));
            var notAKey = await Assert.ThrowsAsync<BoardSessionException>(() => claim.ProvisionAsync(new BoardSettings { Name = "lab-z" }, restart: false, Timeout));
            Assert.Contains("a claim on the network gives it one and changes nothing else", notAKey.Message);

            BoardSettings keyed = current.Kept;
            keyed.Key = TestCluster.Key.Key;
            keyed.Cluster = TestCluster.Key.Cluster;
            await claim.ProvisionAsync(keyed, restart: false, Timeout, Edge.Dataplane.Agent.BoardSession.SetKey);
            Assert.Equal(TestCluster.Key.Key, Edge.Dataplane.Boards.BoardSettings.Load(flash, out _).Key);

            keyed.Key = TestCluster.Other.Key;
            var second = await Assert.ThrowsAsync<BoardSessionException>(() => claim.ProvisionAsync(keyed, restart: true, Timeout, Edge.Dataplane.Agent.BoardSession.SetKey));
            Assert.Contains("this board was claimed already", second.Message);
        }

        // Restarted, it asks for the key it was given.
        (AgentBoard Board, CancellationTokenSource Stop, Thread Loop) first = _boards.Single();
        first.Stop.Cancel();
        first.Loop.Join();
        first.Board.Dispose();
        _boards.Clear();
        (AgentBoard board, _) = Start(6, flash);
        Assert.Equal(TestCluster.Key.Id, board.Session.Trust!.KeyId);
        await using BoardClient client = await BoardClient.ConnectAsync(Address(6), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await client.HelloAsync(Timeout);
        Assert.True(client.Authenticated);
    }

    [Fact]
    public async Task A_claim_does_not_take_a_board_whose_console_holds_its_session()
    {
        (AgentBoard board, _) = Start(11, new MemoryStorage(), console: new QuietConsole());
        await using BoardClient claim = await BoardClient.ConnectAsync(Address(11), AgentBoard.DefaultMgmtPort, TestCluster.Key);

        // Unanswered, and hung up when the candidate's time is over: a wired console is where this board takes a key.
        await Assert.ThrowsAsync<BoardSessionException>(() => claim.ClaimAsync(TimeSpan.FromSeconds(ControlPlaneLineCandidateSeconds + 5)));
        Assert.False(board.Session.Claiming);
    }

    private const int ControlPlaneLineCandidateSeconds = Edge.Dataplane.Agent.ControlPlaneLine.CandidateMs / 1000;

    /// <summary>A USB console nobody types on.</summary>
    private sealed class QuietConsole : IByteStream
    {
        public int Read(byte[] buffer, int offset, int length) => 0;

        public int Write(byte[] buffer, int offset, int length) => length;
    }

    private ControlPlane StartControlPlane(string name, ClusterKey key, int board, TextWriter? log = null, Action<ClusterKey>? saveKey = null)
    {
        var store = ObjectStore.Open(Path.Combine(_dir, name + ".db"));
        var controlPlane = new ControlPlane(store, new ControlPlaneOptions
        {
            Tick = TimeSpan.FromMilliseconds(100),
            RetryAfter = TimeSpan.FromMilliseconds(200),
            ClusterKey = key,
            SaveKey = saveKey,
        }, log);
        _disposables.Add(new Disposer(async () =>
        {
            await controlPlane.DisposeAsync();
            store.Dispose();
        }));
        controlPlane.Start([BoardLink.Parse($"tcp://{Address(board)}:{AgentBoard.DefaultMgmtPort}")]);
        return controlPlane;
    }

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "timed out waiting for " + what);
    }

    private sealed class Disposer(Func<Task> dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await dispose();
    }

    /// <summary>
    /// A man in the middle on loopback: relays a host's connection to the board frame by frame
    /// and, when told, changes one byte of the next host frame's body or sends the last one
    /// again, each time with a good CRC, as an attacker on the LAN would.
    /// </summary>
    private sealed class TamperingRelay : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly string _board;
        private readonly int _boardPort;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        public TamperingRelay(string address, int port, string board, int boardPort)
        {
            _listener = new TcpListener(IPAddress.Parse(address), port);
            _board = board;
            _boardPort = boardPort;
            _listener.Start();
            _accepting = Task.Run(AcceptLoop);
        }

        public volatile bool FlipNextFrame;

        public volatile bool ReplayLastFrame;

        private async Task AcceptLoop()
        {
            var relays = new List<Task>();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    TcpClient host = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var board = new TcpClient();
                    await board.ConnectAsync(_board, _boardPort, _stop.Token);
                    relays.Add(Task.Run(() => Copy(board.GetStream(), host.GetStream())));
                    relays.Add(Task.Run(() => Frames(host.GetStream(), board.GetStream())));
                }
            }
            catch (OperationCanceledException)
            {
            }

            await Task.WhenAll(relays.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        private async Task Copy(Stream from, Stream to)
        {
            byte[] buffer = new byte[4096];
            try
            {
                int n;
                while ((n = await from.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
            finally
            {
                to.Dispose();
            }
        }

        private async Task Frames(Stream from, Stream to)
        {
            var reader = new FrameReader();
            byte[] buffer = new byte[4096];
            byte[]? last = null;
            try
            {
                int n;
                while ((n = await from.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    for (int taken = 0; taken < n;)
                    {
                        taken += reader.Push(buffer, taken, n - taken);
                        while (reader.Next())
                        {
                            int length = Frame.HeaderLength + reader.PayloadLength + Frame.TrailerLength;
                            byte[] frame = reader.Payload.AsSpan(reader.PayloadOffset - Frame.HeaderLength, length).ToArray();
                            if (FlipNextFrame && reader.PayloadLength > 0)
                            {
                                FlipNextFrame = false;
                                frame[Frame.HeaderLength] ^= 0x01;
                                Frame.WriteCrc(frame, 0, reader.PayloadLength);
                            }

                            await to.WriteAsync(frame, _stop.Token);
                            last = frame;
                        }
                    }

                    if (ReplayLastFrame && last != null)
                    {
                        ReplayLastFrame = false;
                        await to.WriteAsync(last, _stop.Token);
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
            finally
            {
                to.Dispose();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _accepting;
        }
    }
}
