using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Edge.Bench;

/// <summary>
/// What a hostile laptop on the workshop LAN sends, run as its own process by `bench -- flood`:
/// random UDP datagrams of every length as fast as the kernel takes them, or as many TCP
/// connections as it can open, each holding half a request until the time is up.
/// </summary>
public static class FloodTraffic
{
    /// <summary>Datagrams of 0-1,600 random bytes at address:port for the given seconds; prints how many were sent.</summary>
    public static int Udp(string address, int port, double seconds)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = 1 << 20 };
        var to = new IPEndPoint(IPAddress.Parse(address), port);
        var random = new Random(port);
        byte[] data = new byte[1 << 16]; // each datagram a slice of it at a random place: different bytes every time
        random.NextBytes(data);
        var watch = Stopwatch.StartNew();
        long sent = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            try
            {
                int length = random.Next(0, 1601);
                socket.SendTo(data.AsSpan(random.Next(0, data.Length - length), length), SocketFlags.None, to);
                sent++;
            }
            catch (SocketException)
            {
                // ICMP port unreachable, ENOBUFS: keep sending
            }
        }

        Console.WriteLine($"{sent} datagrams");
        return 0;
    }

    /// <summary>
    /// Opens TCP connections to address:port for the given seconds (at most <paramref name="max"/>
    /// held at once), each sending half a request and holding it; then closes them all. Prints
    /// how many were opened and how many the board refused or never accepted.
    /// </summary>
    public static int Tcp(string address, int port, double seconds, int max)
    {
        byte[] half = port == 53
            ? [0, 40, 0x12, 0x34, 1, 0] // a DNS message's length, and the first 4 of its 40 bytes
            : Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: lab\r\n");
        var held = new List<Socket>();
        long opened = 0, failed = 0;
        var watch = Stopwatch.StartNew();
        try
        {
            while (watch.Elapsed.TotalSeconds < seconds)
            {
                if (held.Count >= max)
                {
                    Thread.Sleep(10); // holding the connections until the flood's time is up: a window, not a wait for anything
                    continue;
                }

                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    if (!socket.ConnectAsync(address, port).Wait(300))
                    {
                        throw new SocketException((int)SocketError.TimedOut);
                    }

                    socket.Send(half);
                    held.Add(socket);
                    opened++;
                }
                catch (Exception e) when (e is SocketException or AggregateException)
                {
                    failed++;
                    socket.Dispose();
                }
            }
        }
        finally
        {
            foreach (Socket socket in held)
            {
                socket.Dispose();
            }
        }

        Console.WriteLine($"{opened} connections opened, {failed} not accepted in 300 ms");
        return 0;
    }
}
