using System.Net;
using System.Net.Sockets;
using Edge.Dataplane.Platform;

namespace Edge.VirtualBoard.Platform;

/// <summary>
/// TCP and UDP on the virtual board's own address through the OS: what NodePort and
/// LoadBalancer clients (curl on the laptop) connect to, and what pod egress leaves through.
/// Non-blocking sockets behind small integer handles.
/// </summary>
public sealed class OsHostSockets(uint address) : IHostSockets, IDisposable
{
    private readonly List<Socket?> _sockets = [];
    private readonly SocketAddress _from = new(AddressFamily.InterNetwork);
    private readonly SocketAddress _to = new(AddressFamily.InterNetwork);

    public int ListenTcp(ushort port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(ToAddress(address), port));
            socket.Listen(16);
        }
        catch (SocketException)
        {
            socket.Dispose();
            return -1;
        }

        return Add(socket);
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
        Socket? socket = Get(listener);
        if (socket == null || !socket.Poll(0, SelectMode.SelectRead))
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
        Socket? socket = Get(connection);
        if (socket == null)
        {
            return -1;
        }

        try
        {
            if (socket.Available == 0)
            {
                // Readable with nothing to read means the peer closed.
                return socket.Poll(0, SelectMode.SelectRead) ? -1 : 0;
            }

            return socket.Receive(buffer, offset, length, SocketFlags.None);
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

        return Add(socket);
    }

    public int ReceiveFrom(int udp, byte[] buffer, int offset, int length, out uint from, out ushort port)
    {
        from = 0;
        port = 0;
        Socket? socket = Get(udp);
        if (socket == null || socket.Available == 0)
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
        Socket? socket = Get(handle);
        if (socket != null)
        {
            socket.Dispose();
            _sockets[handle] = null;
        }
    }

    public void Dispose()
    {
        foreach (Socket? socket in _sockets)
        {
            socket?.Dispose();
        }

        _sockets.Clear();
    }

    private int Add(Socket socket)
    {
        int free = _sockets.IndexOf(null);
        if (free >= 0)
        {
            _sockets[free] = socket;
            return free;
        }

        _sockets.Add(socket);
        return _sockets.Count - 1;
    }

    private Socket? Get(int handle) => handle >= 0 && handle < _sockets.Count ? _sockets[handle] : null;
}
