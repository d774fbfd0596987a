using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Edge.Dataplane.Ingress;

namespace Edge.VirtualBoard.Tests;

/// <summary>
/// The virtual board terminating TLS as a board's platform does (ITlsListener): the certificate
/// the client's server name picks, sent with its intermediate; plaintext both ways through
/// Accept, Receive and Send, each side closing in turn; no more sessions at once than the board
/// has (the next client waits in the backlog); and clients that are no TLS, or never finish their
/// handshake, closed and their sessions freed. The peers are OpenSSL's s_client and .NET's SslStream.
/// </summary>
[Trait("Category", Category.Interop)]
public sealed class TlsTerminationTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly TestPki _pki = new();

    // a.edge.test, and every name one label under b.edge.test.
    private TlsCertificates TwoCertificates() => _pki.Certificates(("a.edge.test", ["a.edge.test"]), ("b-wildcard", ["*.b.edge.test"]));

    [RequiresToolFact("openssl")]
    public void Openssl_gets_the_certificate_its_server_name_picks_with_the_intermediate_after_it()
    {
        using var port = new TlsBoardPort(TwoCertificates());
        string root = Path.GetTempFileName();
        try
        {
            File.WriteAllText(root, _pki.RootPem);

            string exact = SClient(port, root, "-servername", "a.edge.test", "-verify_hostname", "a.edge.test");
            Assert.Contains(" 0 s:CN = a.edge.test", exact);
            Assert.Contains(" 1 s:CN = Edge Test Intermediate", exact); // the chain: the leaf, then its intermediate
            Assert.Contains("Verify return code: 0 (ok)", exact); // openssl trusts only the root: it needed the intermediate sent

            string wildcard = SClient(port, root, "-servername", "x.b.edge.test", "-verify_hostname", "x.b.edge.test");
            Assert.Contains(" 0 s:CN = b-wildcard", wildcard);
            Assert.Contains("Verify return code: 0 (ok)", wildcard);

            string unnamed = SClient(port, root, "-noservername");
            Assert.Contains(" 0 s:CN = a.edge.test", unnamed); // no name: the first certificate
        }
        finally
        {
            File.Delete(root);
        }
    }

    [Fact]
    public async Task Plaintext_goes_both_ways_through_Accept_Receive_and_Send_and_each_side_closes_in_turn()
    {
        using var port = new TlsBoardPort(TwoCertificates());
        using var cancel = new CancellationTokenSource(Patience);
        Task<TlsTestClient> connecting = TlsTestClient.ConnectAsync(port.EndPoint, "a.edge.test", _pki.Root, cancel.Token);
        int connection = port.Accept(out uint address, out ushort remotePort);
        await using TlsTestClient client = await connecting;

        Assert.Equal(TlsBoardPort.Address, address);
        Assert.Equal(client.LocalEndPoint.Port, remotePort);
        Assert.Equal("a.edge.test", client.ServerName);
        Assert.Equal(1, port.Board.ConnectState(connection));

        // More than the buffers hold each way (16 KiB): the pumps stop and go on as the other side reads.
        byte[] request = Pattern(100_000, 3);
        Task writing = client.Stream.WriteAsync(request, cancel.Token).AsTask();
        Assert.Equal(request, port.Receive(connection, request.Length));
        await writing;

        byte[] answer = Pattern(200_000, 7);
        Task<byte[]> reading = client.ReadToEndAsync(cancel.Token);
        port.SendAll(connection, answer);
        port.Board.ShutdownSend(connection); // close_notify after the answer, then FIN
        Assert.Equal(answer, await reading);
        Assert.Equal(-1, port.Board.Send(connection, [1], 0, 1)); // the sending side is shut

        await client.Stream.ShutdownAsync(); // the client's close_notify
        Assert.Equal(-1, port.ReceiveEnd(connection));

        Assert.Equal(1, port.Board.TlsSessionsInUse);
        port.Board.Close(connection);
        port.Until(() => port.Board.TlsSessionsInUse == 0, "the closed connection's session was not freed");
        Assert.Equal(0, port.Board.TlsHandshakesFailed);
    }

    [Fact]
    public async Task A_wildcard_name_gets_its_certificate_and_an_unknown_name_the_first()
    {
        using var port = new TlsBoardPort(TwoCertificates());
        using var cancel = new CancellationTokenSource(Patience);
        await using (TlsTestClient wildcard = await TlsTestClient.ConnectAsync(port.EndPoint, "shop.b.edge.test", _pki.Root, cancel.Token))
        {
            Assert.Equal("b-wildcard", wildcard.ServerName);
        }

        await using (TlsTestClient deeper = await TlsTestClient.ConnectAnyAsync(port.EndPoint, "a.shop.b.edge.test", cancel.Token))
        {
            Assert.Equal("a.edge.test", deeper.ServerName); // a wildcard stands for one label only
        }

        await using (TlsTestClient unknown = await TlsTestClient.ConnectAnyAsync(port.EndPoint, "unknown.example", cancel.Token))
        {
            Assert.Equal("a.edge.test", unknown.ServerName);
        }
    }

    [Fact]
    public async Task Listening_again_on_the_port_serves_new_certificates_to_the_clients_that_come_next()
    {
        using var port = new TlsBoardPort(TwoCertificates());
        using var cancel = new CancellationTokenSource(Patience);
        await using (TlsTestClient before = await TlsTestClient.ConnectAnyAsync(port.EndPoint, "a.edge.test", cancel.Token))
        {
            Assert.Equal("a.edge.test", before.ServerName);
        }

        TlsCertificates renewed = _pki.Certificates(("a.edge.test renewed", ["a.edge.test"]));
        Assert.Equal(port.Listener, port.Board.ListenTls((ushort)port.EndPoint.Port, renewed));
        await using TlsTestClient after = await TlsTestClient.ConnectAsync(port.EndPoint, "a.edge.test", _pki.Root, cancel.Token);
        Assert.Equal("a.edge.test renewed", after.ServerName);
    }

    [Fact]
    public async Task A_third_client_waits_in_the_backlog_while_both_sessions_are_held_and_is_served_when_one_closes()
    {
        using var port = new TlsBoardPort(TwoCertificates(), sessions: 2);
        using var cancel = new CancellationTokenSource(Patience);
        await using TlsTestClient first = await TlsTestClient.ConnectAsync(port.EndPoint, "a.edge.test", _pki.Root, cancel.Token);
        await using TlsTestClient second = await TlsTestClient.ConnectAsync(port.EndPoint, "a.edge.test", _pki.Root, cancel.Token);
        Assert.Equal(2, port.Board.TlsSessionsInUse);

        Task<TlsTestClient> third = TlsTestClient.ConnectAsync(port.EndPoint, "a.edge.test", _pki.Root, cancel.Token);
        Assert.NotSame(third, await Task.WhenAny(third, Task.Delay(500, cancel.Token))); // watched a while: not served
        Assert.Equal(2, port.Board.TlsSessionsInUse);

        int firstConnection = port.Accept(out _, out _);
        port.Board.Close(firstConnection);
        await using TlsTestClient served = await third;
        Assert.Equal("a.edge.test", served.ServerName);
        Assert.Equal(2, port.Board.TlsSessionsInUse);
    }

    [Fact]
    public void Plain_HTTP_on_the_TLS_port_is_closed_without_an_answer_and_frees_its_session()
    {
        using var port = new TlsBoardPort(TwoCertificates(), sessions: 1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = (int)Patience.TotalMilliseconds };
        client.Connect(port.EndPoint);
        client.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a.edge.test\r\n\r\n"));

        Assert.Equal(0, ReceiveUntilClosed(client));
        port.Until(() => port.Board.TlsSessionsInUse == 0, "the plain client's session was not freed");
        Assert.Equal(1, port.Board.TlsNotClientHello);
        Assert.Equal(1, port.Board.TlsHandshakesFailed);
    }

    [Fact]
    public async Task A_client_that_never_finishes_its_hello_is_closed_at_the_handshake_timeout_and_its_session_serves_the_next()
    {
        using var port = new TlsBoardPort(TwoCertificates(), sessions: 1, handshakeTimeout: TimeSpan.FromMilliseconds(500));
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = (int)Patience.TotalMilliseconds };
        stalled.Connect(port.EndPoint);
        stalled.Send([22, 3, 1, 0, 200, 1]); // a handshake record that says 200 bytes, and then nothing

        var waited = Stopwatch.StartNew();
        Assert.Equal(0, ReceiveUntilClosed(stalled));
        Assert.InRange(waited.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5)); // the handshake's deadline, not the hello's
        port.Until(() => port.Board.TlsSessionsInUse == 0, "the stalled client's session was not freed");
        Assert.Equal(1, port.Board.TlsHandshakesFailed);
        Assert.Equal(0, port.Board.TlsNotClientHello);

        using var cancel = new CancellationTokenSource(Patience);
        await using TlsTestClient next = await TlsTestClient.ConnectAsync(port.EndPoint, "a.edge.test", _pki.Root, cancel.Token);
        Assert.Equal("a.edge.test", next.ServerName);
    }

    [Fact]
    public async Task An_idle_board_wakes_when_a_handshake_completes_and_when_plaintext_arrives()
    {
        using var port = new TlsBoardPort(TwoCertificates());
        using var cancel = new CancellationTokenSource(Patience);
        port.Wait(0); // nothing yet

        var waited = Stopwatch.StartNew();
        Task<TlsTestClient> connecting = TlsTestClient.ConnectAsync(port.EndPoint, "a.edge.test", _pki.Root, cancel.Token);
        Assert.True(port.Wait(15_000_000), "the handshake did not wake the board");
        Assert.InRange(waited.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        int connection = port.Accept(out _, out _);
        await using TlsTestClient client = await connecting;

        port.Wait(0); // what woke it is taken
        waited.Restart();
        await client.Stream.WriteAsync("hello"u8.ToArray(), cancel.Token);
        Assert.True(port.Wait(15_000_000), "plaintext did not wake the board");
        Assert.InRange(waited.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Equal("hello"u8.ToArray(), port.Receive(connection, 5));
    }

    [Fact]
    public async Task A_board_going_away_closes_its_TLS_connections_and_handshakes()
    {
        var port = new TlsBoardPort(TwoCertificates());
        using var cancel = new CancellationTokenSource(Patience);
        TlsTestClient accepted;
        TlsTestClient waiting;
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = (int)Patience.TotalMilliseconds };
        try
        {
            accepted = await TlsTestClient.ConnectAsync(port.EndPoint, "a.edge.test", _pki.Root, cancel.Token);
            port.Accept(out _, out _);
            waiting = await TlsTestClient.ConnectAsync(port.EndPoint, "a.edge.test", _pki.Root, cancel.Token); // through its handshake, not yet accepted
            stalled.Connect(port.EndPoint); // in its handshake
            stalled.Send([22, 3, 1]);
            port.Until(() => port.Board.TlsSessionsInUse == 3, "three sessions were not taken");
        }
        finally
        {
            port.Dispose();
        }

        await using (accepted)
        await using (waiting)
        {
            Assert.True(await ClosedByServerAsync(accepted, cancel.Token));
            Assert.True(await ClosedByServerAsync(waiting, cancel.Token));
            Assert.Equal(0, ReceiveUntilClosed(stalled));
        }
    }

    public void Dispose() => _pki.Dispose();

    // openssl s_client against the board, its input empty (it closes once through the handshake); what it printed.
    private static string SClient(TlsBoardPort port, string rootFile, params string[] args)
    {
        (int exit, string stdout, string stderr) = Tools.Run("openssl",
            ["s_client", "-connect", $"127.0.0.1:{port.EndPoint.Port}", "-showcerts", "-CAfile", rootFile, .. args],
            Patience, stdin: "");
        Assert.True(exit == 0, $"openssl s_client exited {exit}:\n{stdout}\n{stderr}");
        return stdout;
    }

    // Whether the client's reads end (a close_notify, a FIN or a reset) with nothing read.
    private static async Task<bool> ClosedByServerAsync(TlsTestClient client, CancellationToken cancel)
    {
        try
        {
            return (await client.ReadToEndAsync(cancel)).Length == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    // A plain socket's reads until the board closes it: 0 for a FIN (or a reset), after any bytes the board sent.
    private static int ReceiveUntilClosed(Socket socket)
    {
        byte[] buffer = new byte[4096];
        int total = 0;
        try
        {
            int n;
            while ((n = socket.Receive(buffer)) > 0)
            {
                total += n;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // closed with the client's bytes unread: a reset, also a close
        }

        return total;
    }

    private static byte[] Pattern(int length, int seed)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * seed + (i >> 8));
        }

        return bytes;
    }
}
