using System.Net;
using System.Net.Sockets;
using Edge.Dataplane.Ingress;
using Edge.VirtualBoard.Platform;

namespace Edge.VirtualBoard.Tests;

/// <summary>
/// A virtual board's host sockets listening with TLS on 127.0.0.1 (a port the OS picks), driven
/// as the board loop drives them: every call from the test's thread, a turn starting with
/// Refresh, and WaitForData between turns. Every wait is bounded by a deadline.
/// </summary>
internal sealed class TlsBoardPort : IDisposable
{
    public const uint Address = 0x7F000001;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // WaitForData and Refresh take the board's VXLAN socket beside its own: a socket of the test's stands in.
    private readonly Socket _vxlan = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public TlsBoardPort(TlsCertificates certificates, int sessions = 8, TimeSpan? handshakeTimeout = null)
    {
        _vxlan.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Board = new OsHostSockets(Address, sessions);
        if (handshakeTimeout is TimeSpan timeout)
        {
            Board.TlsHandshakeTimeout = timeout;
        }

        Listener = Board.ListenTls(0, certificates);
        Assert.True(Listener >= 0, "ListenTls failed");
        EndPoint = new IPEndPoint(IPAddress.Loopback, Board.LocalPort(Listener));
    }

    public OsHostSockets Board { get; }
    public int Listener { get; }
    public IPEndPoint EndPoint { get; }

    /// <summary>Waits (at most the given time) as an idle board does; whether something woke it.</summary>
    public bool Wait(int microseconds) => Board.WaitForData(_vxlan, microseconds);

    /// <summary>The next connection through its handshake.</summary>
    public int Accept(out uint address, out ushort port)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            Board.Refresh(_vxlan);
            int handle = Board.Accept(Listener, out address, out port);
            if (handle >= 0)
            {
                return handle;
            }

            Wait(100_000);
        }

        throw new TimeoutException("no TLS connection came through its handshake");
    }

    /// <summary>Exactly <paramref name="count"/> bytes of plaintext.</summary>
    public byte[] Receive(int connection, int count)
    {
        var received = new MemoryStream();
        byte[] buffer = new byte[1500];
        DateTime deadline = DateTime.UtcNow + Patience;
        while (received.Length < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{received.Length} of {count} bytes came");
            Board.Refresh(_vxlan);
            int n = Board.Receive(connection, buffer, 0, (int)Math.Min(buffer.Length, count - received.Length));
            Assert.True(n >= 0, $"the connection ended after {received.Length} of {count} bytes");
            if (n == 0)
            {
                Wait(100_000);
            }

            received.Write(buffer, 0, n);
        }

        return received.ToArray();
    }

    /// <summary>What Receive says once nothing more comes: -1 when the peer closed (after <paramref name="drained"/> more bytes at most).</summary>
    public int ReceiveEnd(int connection, int drained = 0)
    {
        byte[] buffer = new byte[1500];
        DateTime deadline = DateTime.UtcNow + Patience;
        int extra = 0;
        while (DateTime.UtcNow < deadline)
        {
            Board.Refresh(_vxlan);
            int n = Board.Receive(connection, buffer, 0, buffer.Length);
            if (n < 0)
            {
                return n;
            }

            extra += n;
            Assert.True(extra <= drained, $"{extra} bytes more than expected");
            if (n == 0)
            {
                Wait(100_000);
            }
        }

        return 0;
    }

    /// <summary>Sends all of <paramref name="data"/>, waiting whenever the buffer is full.</summary>
    public void SendAll(int connection, byte[] data)
    {
        int sent = 0;
        DateTime deadline = DateTime.UtcNow + Patience;
        while (sent < data.Length)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{sent} of {data.Length} bytes taken");
            int n = Board.Send(connection, data, sent, Math.Min(1500, data.Length - sent));
            Assert.True(n >= 0, $"Send failed after {sent} bytes");
            if (n == 0)
            {
                Wait(100_000); // woken when the buffer has room again
            }

            sent += n;
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public void Until(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            Wait(20_000);
        }
    }

    public void Dispose()
    {
        Board.Dispose();
        _vxlan.Dispose();
    }
}
