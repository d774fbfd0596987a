using System.Net;
using System.Net.Sockets;

namespace Edge.VirtualBoard.Platform;

/// <summary>
/// Wakes the board loop out of its select(2) when work done off the loop has something for it (a
/// TLS connection through its handshake, plaintext arrived, a peer's close). select waits only on
/// sockets, so this is a pair of loopback UDP sockets connected to each other; the loop selects on
/// <see cref="Socket"/>. Signals between two drains go as one datagram, so a busy connection costs
/// one system call per turn at most.
/// </summary>
internal sealed class LoopWake : IDisposable
{
    private static readonly byte[] Ping = [1];

    private readonly Socket _sender;
    private readonly byte[] _drain = new byte[8];
    private int _pending;

    public LoopWake()
    {
        Socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        _sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        try
        {
            Socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Socket.Connect(_sender.LocalEndPoint!); // connected: datagrams from anyone else are not delivered
            _sender.Connect(Socket.LocalEndPoint!);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The end the loop selects on: readable once signalled, until drained.</summary>
    public Socket Socket { get; }

    /// <summary>Whether a signal came since the last drain (no system call).</summary>
    public bool Pending => Volatile.Read(ref _pending) != 0;

    /// <summary>From any thread: the loop should look again.</summary>
    public void Signal()
    {
        if (Interlocked.Exchange(ref _pending, 1) != 0)
        {
            return; // a datagram is already on its way and not yet drained
        }

        try
        {
            _sender.Send(Ping);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the board is shutting down
        }
    }

    /// <summary>On the loop, before it looks at everything: takes the signals so far.</summary>
    public void Drain()
    {
        Volatile.Write(ref _pending, 0); // first: a signal from now on sends a datagram of its own
        try
        {
            while (Socket.Available > 0)
            {
                Socket.Receive(_drain);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // nothing to take
        }
    }

    public void Dispose()
    {
        Socket.Dispose();
        _sender.Dispose();
    }
}
