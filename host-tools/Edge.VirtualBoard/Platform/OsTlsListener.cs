using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Edge.Dataplane.Ingress;

namespace Edge.VirtualBoard.Platform;

/// <summary>
/// One TLS port of a virtual board. Off the loop, it takes a client from the kernel's backlog only
/// when the board has a TLS session free (the rest wait there, as on a board), reads the name in
/// its ClientHello without taking the bytes (<see cref="ClientHelloPeek"/>), picks the certificate
/// as a board does (<see cref="TlsCertificates.Choose"/>) and runs the handshake, all within the
/// board's handshake timeout. A connection through its handshake waits for the loop's Accept
/// (<see cref="TakeReady"/>), and the loop is woken for it; a failed one is closed, counted, and
/// its session freed.
/// </summary>
internal sealed class OsTlsListener : IDisposable
{
    // How long a client has to send its whole ClientHello, as on a board.
    private static readonly TimeSpan ClientHelloWait = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly TlsSessionGate _sessions;
    private readonly LoopWake _wake;
    private readonly TimeSpan _handshakeTimeout;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<OsTlsConnection> _ready = new();
    private readonly HashSet<Socket> _handshaking = [];
    private volatile ServerCertificates _serving;
    private bool _disposed;

    public OsTlsListener(Socket socket, ushort port, TlsCertificates certificates, TlsSessionGate sessions, LoopWake wake, TimeSpan handshakeTimeout)
    {
        _socket = socket;
        Port = port != 0 ? port : (ushort)((IPEndPoint)socket.LocalEndPoint!).Port;
        _serving = new ServerCertificates(certificates);
        _sessions = sessions;
        _wake = wake;
        _handshakeTimeout = handshakeTimeout;
        _ = Task.Run(AcceptLoop);
    }

    /// <summary>The port it listens on (the one the OS chose, when asked for port 0): ListenTls on it again finds this listener.</summary>
    public ushort Port { get; }

    /// <summary>Serves <paramref name="certificates"/> to the clients from now on (handshakes under way keep theirs).</summary>
    public void Serve(TlsCertificates certificates)
    {
        if (!ReferenceEquals(_serving.Source, certificates))
        {
            _serving = new ServerCertificates(certificates);
        }
    }

    /// <summary>The next connection through its handshake, or null when none waits.</summary>
    public OsTlsConnection? TakeReady() => _ready.TryDequeue(out OsTlsConnection? connection) ? connection : null;

    /// <summary>Stops listening; clients in their handshake or not yet taken are closed and their sessions freed.</summary>
    public void Dispose()
    {
        lock (_handshaking)
        {
            _disposed = true;
            foreach (Socket client in _handshaking)
            {
                client.Dispose(); // its handshake fails, and frees its session
            }
        }

        _stop.Cancel();
        _socket.Dispose();
        while (_ready.TryDequeue(out OsTlsConnection? connection))
        {
            connection.Abort();
        }
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _sessions.ReserveAsync(_stop.Token); // a session free before a client leaves the backlog
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                _sessions.Unreserve();
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue; // a client that reset while in the backlog
            }

            lock (_handshaking)
            {
                if (_disposed)
                {
                    client.Dispose();
                    _sessions.Unreserve();
                    return;
                }

                _handshaking.Add(client);
                _sessions.Hold();
            }

            _ = Handshake(client);
        }
    }

    private async Task Handshake(Socket client)
    {
        ServerCertificates serving = _serving;
        SslStream? stream = null;
        bool notTls = false;
        bool handedOver = false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        deadline.CancelAfter(_handshakeTimeout);
        try
        {
            client.Blocking = true; // the listener's non-blocking mode came with it; NetworkStream wants a blocking socket
            client.NoDelay = true;
            var remote = (IPEndPoint)client.RemoteEndPoint!;
            using var helloWait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            helloWait.CancelAfter(ClientHelloWait);
            (int found, string? name) = await ClientHelloPeek.ReadAsync(client, helloWait.Token);
            if (found == TlsServerName.NotClientHello)
            {
                notTls = true; // plain HTTP on the TLS port, say: closed without an answer
                return;
            }

            SslStreamCertificateContext certificate = serving.Get(serving.Source.Choose(name));
            stream = new SslStream(new NetworkStream(client, ownsSocket: true));
            var options = new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificate,
                ClientCertificateRequired = false,
            };
            await stream.AuthenticateAsServerAsync(options, deadline.Token);

            var connection = new OsTlsConnection(stream, client, ToUint(remote.Address), (ushort)remote.Port, _sessions, _wake);
            lock (_handshaking)
            {
                _handshaking.Remove(client);
                handedOver = true;
                if (_disposed)
                {
                    connection.Abort(); // frees the session
                    return;
                }

                connection.Start();
                _ready.Enqueue(connection);
            }

            _wake.Signal();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException
            or System.Security.Authentication.AuthenticationException or InvalidOperationException)
        {
            // the client left, sent what no TLS server takes, or ran out of time; or its certificate does not load
        }
        finally
        {
            if (!handedOver)
            {
                lock (_handshaking)
                {
                    _handshaking.Remove(client);
                }

                stream?.Dispose();
                client.Dispose();
                _sessions.CountFailure(notTls);
                _sessions.Give();
            }
        }
    }

    private static uint ToUint(IPAddress address)
    {
        byte[] b = address.MapToIPv4().GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }
}
