using System.Net;
using System.Net.Sockets;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Platform;

namespace Edge.VirtualBoard.Platform;

/// <summary>
/// TCP and UDP on the virtual board's own address through the OS: what NodePort and
/// LoadBalancer clients (curl on the laptop) connect to, and what pod egress leaves through.
/// Non-blocking sockets behind small integer handles. It terminates TLS as a board's platform
/// does (<see cref="ITlsListener"/>), with .NET's SslStream off the loop: a TLS listener's and
/// connection's handles sit in the same table (<see cref="OsTlsListener"/>, <see cref="OsTlsConnection"/>).
/// </summary>
public sealed class OsHostSockets(uint address, int tlsSessions) : IHostSockets, ITlsListener, IDisposable
{
    private readonly List<Socket?> _sockets = [];
    private readonly SocketAddress _from = new(AddressFamily.InterNetwork);
    private readonly SocketAddress _to = new(AddressFamily.InterNetwork);
    private readonly List<Socket> _waiting = [];

    // A UDP socket's batches on Linux (recvmmsg/sendmmsg), by handle; null where there are none.
    private readonly List<BatchedUdp?> _batches = [];

    // What one select(2) at the start of a turn found readable, by handle (Refresh): for the rest of
    // the turn a UDP socket or listener that was not is not asked again, so a turn costs one
    // system call for all the sockets that have nothing, not one each. Off until the first Refresh.
    private readonly List<bool> _ready = [];
    private readonly List<Socket> _selected = [];
    private bool _turns;

    // TLS listeners and connections by handle (an OsTlsListener or an OsTlsConnection), null
    // elsewhere. Their sockets are not in _sockets: SslStream reads them off the loop, so the loop
    // does not select on them; what happens to them wakes it through _wake.
    private readonly List<object?> _tls = [];
    private readonly List<OsTlsConnection> _flushing = []; // closed by the loop, still sending their last bytes
    private TlsSessionGate? _tlsSessions;
    private LoopWake? _wake;

    /// <summary>A virtual board without a memory class: as many TLS sessions as <see cref="MemoryClass.TlsSessions"/> gives one.</summary>
    public OsHostSockets(uint address)
        : this(address, MemoryClass.TlsSessions(0))
    {
    }

    public int Sessions => Math.Max(tlsSessions, 0);

    /// <summary>How long a TLS client has from its connection to the end of its handshake.</summary>
    internal TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>TLS sessions held now: connections handed out and not closed, handshakes under way.</summary>
    public int TlsSessionsInUse => _tlsSessions?.InUse ?? 0;

    /// <summary>TLS clients closed before their connection reached the board loop: a failed or timed-out handshake.</summary>
    public long TlsHandshakesFailed => _tlsSessions?.HandshakesFailed ?? 0;

    /// <summary>Of those, clients whose first bytes were no TLS ClientHello.</summary>
    public long TlsNotClientHello => _tlsSessions?.NotTls ?? 0;

    /// <summary>
    /// Starts a turn: one select(2) over every socket of the board and <paramref name="port"/> (its
    /// VXLAN socket); returns whether the port is readable. Until the next Refresh, reads of UDP
    /// sockets and accepts on listeners that were not readable return at once; what arrives in
    /// the meantime is read on the next turn.
    /// </summary>
    public bool Refresh(Socket port)
    {
        if (_wake is { Pending: true })
        {
            _wake.Drain(); // this turn looks at every TLS connection anyway
        }

        _turns = true;
        _selected.Clear();
        _selected.Add(port);
        for (int i = 0; i < _sockets.Count; i++)
        {
            _ready[i] = false;
            if (_sockets[i] is Socket socket)
            {
                _selected.Add(socket);
            }
        }

        try
        {
            Socket.Select(_selected, null, null, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _turns = false; // ask every socket this turn, as without Refresh
            return true;
        }

        bool portReadable = false;
        foreach (Socket socket in _selected)
        {
            if (socket == port)
            {
                portReadable = true;
                continue;
            }

            int handle = _sockets.IndexOf(socket);
            if (handle >= 0)
            {
                _ready[handle] = true;
            }
        }

        return portReadable;
    }

    // Whether a read or accept on this handle may find something this turn.
    private bool MayBeReady(int handle) => !_turns || (handle >= 0 && handle < _ready.Count && _ready[handle]);

    /// <summary>
    /// Waits (at most the given time) until one of the board's sockets, or <paramref name="also"/>
    /// (its VXLAN port), has something to read, or TLS work off the loop has something for it: an
    /// idle board does not spin, and a DNS query, a NodePort client or an HTTPS request does not
    /// wait behind the VXLAN socket's timeout.
    /// </summary>
    public bool WaitForData(Socket also, int microseconds)
    {
        Flush();
        _waiting.Clear();
        _waiting.Add(also);
        if (_wake != null)
        {
            _waiting.Add(_wake.Socket);
        }

        foreach (Socket? socket in _sockets)
        {
            if (socket != null)
            {
                _waiting.Add(socket);
            }
        }

        try
        {
            Socket.Select(_waiting, null, null, microseconds);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false; // a socket closed while the board waited: the next turn sees it
        }

        if (_wake != null && _waiting.Contains(_wake.Socket))
        {
            _wake.Drain(); // the caller's next turn looks at every TLS connection
        }

        return _waiting.Count > 0;
    }

    public int ListenTls(ushort port, TlsCertificates certificates)
    {
        if (Sessions == 0 || certificates == null || certificates.Count == 0)
        {
            return -1;
        }

        for (int i = 0; i < _tls.Count; i++)
        {
            if (_tls[i] is OsTlsListener listening && listening.Port == port)
            {
                listening.Serve(certificates); // the same port again: new certificates for the clients to come
                return i;
            }
        }

        Socket? socket = BindListener(port);
        if (socket == null)
        {
            return -1;
        }

        _tlsSessions ??= new TlsSessionGate(Sessions);
        _wake ??= new LoopWake();
        return AddTls(new OsTlsListener(socket, port, certificates, _tlsSessions, _wake, TlsHandshakeTimeout));
    }

    public int ListenTcp(ushort port)
    {
        Socket? socket = BindListener(port);
        return socket != null ? Add(socket) : -1;
    }

    // A listening TCP socket on the board's address, or null when the port is taken.
    private Socket? BindListener(ushort port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(ToAddress(address), port));
            socket.Listen(16);
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    public int ConnectTcp(uint remote, ushort port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false, NoDelay = true };
        try
        {
            // From the board's own address: the outside world sees the node, not the pod (SNAT).
            socket.Bind(new IPEndPoint(ToAddress(address), 0));
            socket.Connect(new IPEndPoint(ToAddress(remote), port));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // connecting
        }
        catch (SocketException)
        {
            socket.Dispose();
            return -1;
        }

        return Add(socket);
    }

    public int ConnectState(int connection)
    {
        if (Tls(connection) is OsTlsConnection)
        {
            return 1;
        }

        Socket? socket = Get(connection);
        if (socket == null)
        {
            return -1;
        }

        if (socket.Poll(0, SelectMode.SelectError) || (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)! != 0)
        {
            return -1;
        }

        return socket.Poll(0, SelectMode.SelectWrite) ? 1 : 0;
    }

    private static IPAddress ToAddress(uint a) => new([(byte)(a >> 24), (byte)(a >> 16), (byte)(a >> 8), (byte)a]);

    public int Accept(int listener, out uint remoteAddress, out ushort remotePort)
    {
        remoteAddress = 0;
        remotePort = 0;
        if (Tls(listener) is OsTlsListener tlsListener)
        {
            // Through its handshake already; its own select is SslStream's, off the loop.
            OsTlsConnection? ready = tlsListener.TakeReady();
            if (ready == null)
            {
                return -1;
            }

            remoteAddress = ready.RemoteAddress;
            remotePort = ready.RemotePort;
            return AddTls(ready);
        }

        Socket? socket = Get(listener);
        if (socket == null || !MayBeReady(listener) || !socket.Poll(0, SelectMode.SelectRead))
        {
            return -1;
        }

        try
        {
            Socket accepted = socket.Accept();
            accepted.Blocking = false;
            accepted.NoDelay = true;
            if (accepted.RemoteEndPoint is IPEndPoint remote)
            {
                byte[] bytes = remote.Address.MapToIPv4().GetAddressBytes();
                remoteAddress = ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
                remotePort = (ushort)remote.Port;
            }

            return Add(accepted);
        }
        catch (SocketException)
        {
            return -1;
        }
    }

    public int Receive(int connection, byte[] buffer, int offset, int length)
    {
        if (Tls(connection) is OsTlsConnection tls)
        {
            return tls.Receive(buffer, offset, length);
        }

        Socket? socket = Get(connection);
        if (socket == null)
        {
            return -1;
        }

        try
        {
            // Poll, then receive: readable and 0 bytes read is the peer's FIN.
            if (length == 0 || !socket.Poll(0, SelectMode.SelectRead))
            {
                return 0;
            }

            int n = socket.Receive(buffer, offset, length, SocketFlags.None);
            return n > 0 ? n : -1;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
        {
            return 0;
        }
        catch (SocketException)
        {
            return -1;
        }
    }

    public int Send(int connection, byte[] buffer, int offset, int length)
    {
        if (Tls(connection) is OsTlsConnection tls)
        {
            return tls.Send(buffer, offset, length);
        }

        Socket? socket = Get(connection);
        if (socket == null)
        {
            return -1;
        }

        try
        {
            return socket.Send(buffer, offset, length, SocketFlags.None);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
        {
            return 0;
        }
        catch (SocketException)
        {
            return -1;
        }
    }

    public int OpenUdp(ushort port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        try
        {
            socket.Bind(new IPEndPoint(ToAddress(address), port));
        }
        catch (SocketException)
        {
            socket.Dispose();
            return -1;
        }

        int handle = Add(socket);
        if (BatchedUdp.Supported)
        {
            _batches[handle] = new BatchedUdp(socket);
        }

        return handle;
    }

    public int ReceiveFrom(int udp, byte[] buffer, int offset, int length, out uint from, out ushort port)
    {
        from = 0;
        port = 0;
        BatchedUdp? batch = Batch(udp);
        if (batch != null)
        {
            if (!MayBeReady(udp) && !batch.Holding)
            {
                batch.Flush(); // the turn's answers go now; nothing arrived to read since the turn began
                return -1;
            }

            int n = batch.Receive(buffer, offset, length, out from, out port);
            if (n < 0 && udp < _ready.Count)
            {
                _ready[udp] = false; // read dry: not asked again this turn
            }

            return n;
        }

        // Elsewhere: poll, then receive (a zero-length datagram is readable and read).
        Socket? socket = Get(udp);
        if (socket == null || !socket.Poll(0, SelectMode.SelectRead))
        {
            return -1;
        }

        try
        {
            // A reusable SocketAddress: a datagram costs no allocation (the DNS path depends on it).
            int n = socket.ReceiveFrom(buffer.AsSpan(offset, length), SocketFlags.None, _from);
            port = (ushort)((_from[2] << 8) | _from[3]);
            from = ((uint)_from[4] << 24) | ((uint)_from[5] << 16) | ((uint)_from[6] << 8) | _from[7];
            return n;
        }
        catch (SocketException)
        {
            return -1;
        }
    }

    public bool SendTo(int udp, uint to, ushort port, byte[] buffer, int offset, int length)
    {
        BatchedUdp? batch = Batch(udp);
        if (batch != null)
        {
            return batch.Send(to, port, buffer, offset, length);
        }

        Socket? socket = Get(udp);
        if (socket == null)
        {
            return false;
        }

        _to[0] = (byte)AddressFamily.InterNetwork;
        _to[2] = (byte)(port >> 8);
        _to[3] = (byte)port;
        _to[4] = (byte)(to >> 24);
        _to[5] = (byte)(to >> 16);
        _to[6] = (byte)(to >> 8);
        _to[7] = (byte)to;
        try
        {
            return socket.SendTo(buffer.AsSpan(offset, length), SocketFlags.None, _to) == length;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void ShutdownSend(int connection)
    {
        if (Tls(connection) is OsTlsConnection tls)
        {
            tls.ShutdownSend();
            return;
        }

        try
        {
            Get(connection)?.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // already gone
        }
    }

    public void Close(int handle)
    {
        switch (Tls(handle))
        {
            case OsTlsListener listener:
                listener.Dispose();
                _tls[handle] = null;
                return;
            case OsTlsConnection connection:
                connection.Close();
                _tls[handle] = null;
                _flushing.RemoveAll(c => c.Ended);
                _flushing.Add(connection);
                return;
        }

        Socket? socket = Get(handle);
        if (socket != null)
        {
            Batch(handle)?.Dispose();
            _batches[handle] = null;
            socket.Dispose();
            _sockets[handle] = null;
        }
    }

    /// <summary>Sends what every UDP socket has queued (before the board waits).</summary>
    public void Flush()
    {
        foreach (BatchedUdp? batch in _batches)
        {
            batch?.Flush();
        }
    }

    public void Dispose()
    {
        foreach (BatchedUdp? batch in _batches)
        {
            batch?.Dispose();
        }

        foreach (Socket? socket in _sockets)
        {
            socket?.Dispose();
        }

        foreach (object? tls in _tls)
        {
            (tls as OsTlsListener)?.Dispose();
            (tls as OsTlsConnection)?.Abort();
        }

        foreach (OsTlsConnection connection in _flushing)
        {
            connection.Abort();
        }

        _wake?.Dispose();
        _batches.Clear();
        _sockets.Clear();
        _tls.Clear();
        _flushing.Clear();
        _ready.Clear();
    }

    private int Add(Socket socket) => Add(socket, null);

    private int AddTls(object tls) => Add(null, tls);

    private int Add(Socket? socket, object? tls)
    {
        for (int free = 0; free < _sockets.Count; free++)
        {
            if (_sockets[free] == null && _tls[free] == null)
            {
                _sockets[free] = socket;
                _tls[free] = tls;
                _batches[free] = null;
                _ready[free] = true; // new this turn: ask it
                return free;
            }
        }

        _sockets.Add(socket);
        _tls.Add(tls);
        _batches.Add(null);
        _ready.Add(true);
        return _sockets.Count - 1;
    }

    /// <summary>The port a socket is bound to (for tests of sockets opened on port 0).</summary>
    internal ushort LocalPort(int handle) => Tls(handle) is OsTlsListener tls
        ? tls.Port
        : (ushort)((Get(handle)?.LocalEndPoint as IPEndPoint)?.Port ?? 0);

    private object? Tls(int handle) => handle >= 0 && handle < _tls.Count ? _tls[handle] : null;

    private BatchedUdp? Batch(int handle) => handle >= 0 && handle < _batches.Count ? _batches[handle] : null;

    private Socket? Get(int handle) => handle >= 0 && handle < _sockets.Count ? _sockets[handle] : null;
}
