using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Edge.Bench;

/// <summary>
/// The Linux side of the overlay benchmark, run inside network namespaces: a UDP sender that
/// sends fixed-size datagrams as fast as the kernel takes them, and a sink that counts what
/// arrives in a time window and prints "bound" once it listens, then "packets seconds".
/// </summary>
public static class UdpTraffic
{
    public static int Blast(string address, int port, int payload, double seconds)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(IPAddress.Parse(address), port);
        byte[] data = new byte[payload];
        var watch = Stopwatch.StartNew();
        long sent = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            try
            {
                socket.Send(data);
                sent++;
            }
            catch (SocketException)
            {
                // ENOBUFS/ECONNREFUSED under load: keep going, the sink counts what arrived.
            }
        }

        Console.WriteLine(sent);
        return 0;
    }

    /// <summary>The sink's first line: its socket is bound and datagrams sent from now on count.</summary>
    public const string Bound = "bound";

    public static int Sink(string address, int port, double seconds)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.ReceiveBufferSize = 4 << 20;
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), port));
        Console.WriteLine(Bound); // the benchmark starts the sender on this line
        socket.ReceiveTimeout = 3000;
        byte[] buffer = new byte[2048];
        socket.Receive(buffer); // the first datagram starts the clock
        var watch = Stopwatch.StartNew();
        long received = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            try
            {
                socket.Receive(buffer);
                received++;
            }
            catch (SocketException)
            {
                break;
            }
        }

        Console.WriteLine($"{received} {watch.Elapsed.TotalSeconds:F3}");
        return 0;
    }
}
