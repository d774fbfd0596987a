using System.Net;
using System.Net.Sockets;
using System.Text;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Wire;
using Edge.Host.Compile;
using Edge.Host.Sessions;
using Edge.Host.Tests.Trust;
using Edge.VirtualBoard;

namespace Edge.Host.Tests.Sessions;

/// <summary>
/// A state's TLS private keys on the management line, as a listener on the wire sees them: in a
/// session on the network they cross encrypted under the session key (the bytes hold the chains,
/// never a key), and the board runs the keys as the host had them, after a snapshot and after a
/// delta that rotates one; on a USB console, which has no session, they go as they are.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class TlsKeysOnTheLineTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly List<(AgentBoard Board, CancellationTokenSource Stop, Thread Loop)> _boards = [];

    private static uint Ip(string text) => Ipv4Address.TryParse(text, out uint a) ? a : throw new ArgumentException(text);

    private const string Key = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAfTlsKeysOnTheLineSecret\n-----END PRIVATE KEY-----\n";
    private const string Rotated = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIRotatedOnTheLineSecret00\n-----END PRIVATE KEY-----\n";

    private static TlsCertificates Certificates(string key)
    {
        var tls = new TlsCertificates(2, 2);
        tls.Chains[0] = Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nMIIBsecure\n-----END CERTIFICATE-----\n");
        tls.Keys[0] = Encoding.ASCII.GetBytes(key);
        tls.Chains[1] = Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nMIIBwildcard\n-----END CERTIFICATE-----\n");
        tls.Keys[1] = Encoding.ASCII.GetBytes("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIWildcardOnTheLineSecret\n-----END EC PRIVATE KEY-----\n");
        (tls.Hosts[0], tls.HostCertificates[0]) = ("secure.example", 0);
        (tls.Hosts[1], tls.HostCertificates[1]) = ("*.lab.example", 1);
        return tls;
    }

    private static DesiredState StateFor(uint generation, TlsCertificates tls) => new()
    {
        Generation = generation,
        PodNetwork = Ip("10.244.1.0"),
        Tls = tls,
    };

    private AgentBoard Start(string address, ushort mgmtPort, Edge.Dataplane.Platform.IByteStream? console = null)
    {
        var board = new AgentBoard("node-1", Ip(address), mgmtPort: mgmtPort, storage: TestCluster.Provisioned());
        if (console != null)
        {
            board.AttachLine(console); // its USB console, before its loop runs
        }

        var stop = new CancellationTokenSource();
        var loop = new Thread(() => board.Run(stop.Token)) { IsBackground = true };
        loop.Start();
        _boards.Add((board, stop, loop));
        return board;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var (board, stop, loop) in _boards)
        {
            stop.Cancel();
            loop.Join();
            board.Dispose();
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task In_a_session_on_the_network_the_keys_cross_encrypted_and_the_board_runs_them_as_sent()
    {
        // The listener sits at the board's own address (its management port moved aside), where the
        // host dials: the handshake binds that address.
        AgentBoard board = Start("127.0.10.125", 7925);
        await using var wire = new ListeningRelay("127.0.10.125", AgentBoard.DefaultMgmtPort, 7925);
        await using BoardClient client = await BoardClient.ConnectAsync("127.0.10.125", AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await client.HelloAsync(Timeout);
        Assert.True(client.Authenticated);

        DesiredState first = StateFor(1, Certificates(Key));
        await client.SendSnapshotAsync(first, Timeout);

        Assert.Equal(Certificates(Key).Keys, board.Agent.AppliedState!.Tls!.Keys);
        Assert.True(Certificates(Key).SameAs(board.Agent.AppliedState!.Tls));
        byte[] heard = wire.FromHost();
        Assert.True(Holds(heard, "MIIBwildcard"), "the listener hears the snapshot: its public chains");
        Assert.False(Holds(heard, "PRIVATE KEY"), "a key's PEM crossed the network readable");
        Assert.False(Holds(heard, "OnTheLineSecret"), "a key's body crossed the network readable");

        // A delta that rotates one key: the same.
        StateChange change = StateDiff.Compute(first, StateFor(2, Certificates(Rotated)))!;
        Assert.Equal(StateDelta.TlsReplaced, change.Flags);
        await client.SendDeltaAsync(1, change, Timeout);

        Assert.Equal(2u, board.Agent.AppliedGeneration);
        Assert.Equal(Certificates(Rotated).Keys, board.Agent.AppliedState!.Tls!.Keys);
        heard = wire.FromHost();
        Assert.False(Holds(heard, "PRIVATE KEY") || Holds(heard, "OnTheLineSecret"), "the rotated key crossed the network readable");
    }

    [Fact]
    public async Task On_a_USB_console_without_a_session_the_keys_go_as_they_are()
    {
        var line = new NoisyLine(0, seed: 3);
        AgentBoard board = Start("127.0.10.126", 7926, line.Board);
        var wire = new RecordingStream(line.Host);
        await using BoardClient client = BoardClient.Over(wire);
        await client.HelloAsync(Timeout);
        Assert.False(client.Authenticated);

        await client.SendSnapshotAsync(StateFor(1, Certificates(Key)), Timeout);

        Assert.Equal(Certificates(Key).Keys, board.Agent.AppliedState!.Tls!.Keys);
        Assert.True(Holds(wire.Written(), Key), "physical access is the console's trust: its keys are not encrypted");
    }

    private static bool Holds(byte[] bytes, string text) => bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text)) >= 0;

    /// <summary>A listener on the wire: relays a host's connections to the board and keeps what the host sent.</summary>
    private sealed class ListeningRelay : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly string _board;
        private readonly int _boardPort;
        private readonly CancellationTokenSource _stop = new();
        private readonly MemoryStream _fromHost = new();
        private readonly Task _accepting;

        public ListeningRelay(string address, int port, int boardPort)
        {
            _listener = new TcpListener(IPAddress.Parse(address), port);
            _board = address;
            _boardPort = boardPort;
            _listener.Start();
            _accepting = Task.Run(AcceptLoop);
        }

        public byte[] FromHost()
        {
            lock (_fromHost)
            {
                return _fromHost.ToArray();
            }
        }

        private async Task AcceptLoop()
        {
            var relays = new List<Task>();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    TcpClient host = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var board = new TcpClient { NoDelay = true };
                    await board.ConnectAsync(_board, _boardPort, _stop.Token);
                    relays.Add(Task.Run(() => Copy(board.GetStream(), host.GetStream(), null)));
                    relays.Add(Task.Run(() => Copy(host.GetStream(), board.GetStream(), _fromHost)));
                }
            }
            catch (OperationCanceledException)
            {
            }

            await Task.WhenAll(relays.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        private async Task Copy(Stream from, Stream to, MemoryStream? kept)
        {
            byte[] buffer = new byte[4096];
            try
            {
                int n;
                while ((n = await from.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    if (kept != null)
                    {
                        lock (kept)
                        {
                            kept.Write(buffer, 0, n);
                        }
                    }

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

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _accepting;
        }
    }

    /// <summary>A host's end of a line that keeps what the host wrote.</summary>
    private sealed class RecordingStream(Stream inner) : Stream
    {
        private readonly MemoryStream _written = new();

        public byte[] Written()
        {
            lock (_written)
            {
                return _written.ToArray();
            }
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel = default) => inner.ReadAsync(buffer, cancel);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancel = default)
        {
            lock (_written)
            {
                _written.Write(buffer.Span);
            }

            return inner.WriteAsync(buffer, cancel);
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush() => inner.Flush();

        public override ValueTask DisposeAsync() => inner.DisposeAsync();

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
