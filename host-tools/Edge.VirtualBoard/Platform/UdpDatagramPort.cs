using System.Net;
using System.Net.Sockets;
using Edge.Dataplane.Platform;

namespace Edge.VirtualBoard.Platform;

/// <summary>
/// The board's UDP socket on a real address. Sends and receives through reusable
/// SocketAddress buffers, so a datagram costs no allocation.
/// </summary>
public sealed class UdpDatagramPort : IDatagramPort, IDisposable
{
    private readonly Socket _socket;
    private readonly SocketAddress _from = new(AddressFamily.InterNetwork);
    private readonly SocketAddress _to = new(AddressFamily.InterNetwork);

    /// <summary>How long a port just closed by this process is waited for before it counts as taken.</summary>
    private static readonly TimeSpan ReleaseWait = TimeSpan.FromSeconds(2);

    public UdpDatagramPort(uint address, ushort port)
    {
        LocalAddress = address;
        LocalPort = port;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        var endpoint = new IPEndPoint(new IPAddress(ToNetworkBytes(address)), port);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                _socket.ReceiveBufferSize = 1 << 20;
                _socket.SendBufferSize = 1 << 20;
                _socket.Bind(endpoint);
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && waited.Elapsed < ReleaseWait)
            {
                // A board restarting in its process (after `board provision`) binds the port its
                // previous self has just closed, and once in CI found it still taken (a closed
                // socket's port is released when nothing holds its handle any more). Wait for it,
                // within a deadline; a port another board holds is still refused after it.
                Thread.Sleep(50);
            }
            catch (SocketException e)
            {
                _socket.Dispose();
                throw new BoardException(BindError(e.SocketErrorCode, address, port));
            }
        }

        _to[0] = (byte)AddressFamily.InterNetwork;
    }

    public uint LocalAddress { get; }
    public ushort LocalPort { get; }
    public long SendFailures { get; private set; }

    public bool Send(uint address, ushort port, byte[] buffer, int offset, int length)
    {
        _to[2] = (byte)(port >> 8);
        _to[3] = (byte)port;
        _to[4] = (byte)(address >> 24);
        _to[5] = (byte)(address >> 16);
        _to[6] = (byte)(address >> 8);
        _to[7] = (byte)address;
        try
        {
            return _socket.SendTo(buffer.AsSpan(offset, length), SocketFlags.None, _to) == length;
        }
        catch (SocketException)
        {
            SendFailures++; // ICMP port unreachable from a stopped peer, a full buffer: a lost datagram
            return false;
        }
    }

    public int Receive(byte[] buffer, int offset, int capacity, out uint address, out ushort port)
    {
        address = 0;
        port = 0;
        // Poll, then receive: Available says 0 for a zero-length datagram at the head of the
        // queue, which then was never read and wedged the port (what a stray probe sends).
        while (_socket.Poll(0, SelectMode.SelectRead))
        {
            try
            {
                int n = _socket.ReceiveFrom(buffer.AsSpan(offset, capacity), SocketFlags.None, _from);
                port = (ushort)((_from[2] << 8) | _from[3]);
                address = ((uint)_from[4] << 24) | ((uint)_from[5] << 16) | ((uint)_from[6] << 8) | _from[7];
                return n;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                // An ICMP error for an earlier send, or a datagram larger than a frame: skip it.
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                return -1;
            }
        }

        return -1;
    }

    /// <summary>Waits up to the given time for a datagram to arrive.</summary>
    public bool WaitForData(int microseconds) => _socket.Poll(microseconds, SelectMode.SelectRead);

    /// <summary>Whether a datagram waits: this turn's answer when the board's select at the turn's start gave one (<see cref="KnownReadable"/>), else asked now.</summary>
    public bool Readable
    {
        get
        {
            bool? known = KnownReadable;
            KnownReadable = null; // good for the turn's one question
            return known ?? _socket.Poll(0, SelectMode.SelectRead);
        }
    }

    /// <summary>Set by the board at the start of a turn from its one select over all sockets.</summary>
    internal bool? KnownReadable { get; set; }

    /// <summary>The OS socket, for a wait over all of a board's sockets (<see cref="OsHostSockets.WaitForData"/>).</summary>
    internal Socket Socket => _socket;

    public void Dispose() => _socket.Dispose();

    private static byte[] ToNetworkBytes(uint address) =>
        [(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address];

    private static string BindError(SocketError error, uint address, ushort port)
    {
        string where = $"{Dataplane.Wire.Ipv4Address.Format(address)}:{port}";
        return error switch
        {
            SocketError.AddressAlreadyInUse =>
                $"{where} is already in use: another virtual board, or a Linux vxlan device with dstport {port} in this network namespace " +
                "(it listens on every address); give this board another address or vxlanPort",
            SocketError.AddressNotAvailable =>
                $"cannot bind {where}: this system has no such address. Linux has all of 127.0.0.0/8 on loopback; " +
                "elsewhere (macOS, Windows) use 127.0.0.1 for every board with a different vxlanPort each",
            SocketError.AccessDenied => $"cannot bind {where}: permission denied (ports below 1024 need root)",
            _ => $"cannot bind {where}: {error}",
        };
    }
}
