using System.Net;
using System.Net.Sockets;
using Edge.VirtualBoard.Platform;

namespace Edge.VirtualBoard.Tests;

/// <summary>
/// The virtual board's UDP sockets against the kernel's: datagrams arrive whole and in order
/// with their senders, a zero-length datagram is one like any other (it once wedged a board's
/// DNS: FIONREAD says 0 for it), and what the board sends leaves once the socket is read again
/// or the board waits.
/// </summary>
[Trait("Category", Category.Interop)]
public sealed class HostSocketsTests
{
    private static readonly uint Board = 0x7F000001; // 127.0.0.1

    [Fact]
    public void Datagrams_arrive_in_order_with_their_senders_and_an_empty_one_does_not_stop_the_rest()
    {
        using var board = new OsHostSockets(Board);
        int udp = board.OpenUdp(0);
        Assert.True(udp >= 0);
        ushort boardPort = LocalPort(board, udp);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var to = new IPEndPoint(IPAddress.Loopback, boardPort);

        byte[][] sent = [[1, 2, 3], [], .. Enumerable.Range(0, 40).Select(i => new byte[] { (byte)i, 0xAA })]; // more than one batch
        foreach (byte[] datagram in sent)
        {
            peer.SendTo(datagram, to);
        }

        var received = new List<byte[]>();
        byte[] buffer = new byte[1500];
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        while (received.Count < sent.Length && DateTime.UtcNow < deadline)
        {
            int n = board.ReceiveFrom(udp, buffer, 0, buffer.Length, out uint from, out ushort port);
            if (n < 0)
            {
                board.WaitForData(peer, 100_000);
                continue;
            }

            Assert.Equal(Board, from);
            Assert.Equal((ushort)((IPEndPoint)peer.LocalEndPoint!).Port, port);
            received.Add(buffer[..n]);
        }

        Assert.Equal(sent, received);
        Assert.Equal(-1, board.ReceiveFrom(udp, buffer, 0, buffer.Length, out _, out _));
    }

    private static readonly int[] EveryLength = [0, 1, 7, 12, 1500, 9000, 65507, 3];

    [Fact]
    public void Datagrams_of_every_length_are_read_in_turn_on_the_boards_own_UDP_sockets_the_longer_ones_cut_to_the_buffer()
    {
        // NodePort UDP, egress UDP and the board's DNS read through these sockets.
        using var board = new OsHostSockets(Board);
        int udp = board.OpenUdp(0);
        ushort boardPort = LocalPort(board, udp);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        foreach (int length in EveryLength)
        {
            peer.SendTo(new byte[length], new IPEndPoint(IPAddress.Loopback, boardPort));
        }

        byte[] buffer = new byte[1600];
        var lengths = new List<int>();
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        while (lengths.Count < EveryLength.Length && DateTime.UtcNow < deadline)
        {
            int n = board.ReceiveFrom(udp, buffer, 0, buffer.Length, out _, out _);
            if (n < 0)
            {
                board.WaitForData(peer, 100_000);
                continue;
            }

            lengths.Add(n);
        }

        Assert.Equal(EveryLength.Select(l => Math.Min(l, buffer.Length)), lengths);
        Assert.Equal(-1, board.ReceiveFrom(udp, buffer, 0, buffer.Length, out _, out _));
    }

    [Fact]
    public void Datagrams_of_every_length_are_read_in_turn_on_the_VXLAN_port_the_longer_ones_cut_or_skipped()
    {
        using var port = new UdpDatagramPort(Board, 0);
        ushort boardPort = (ushort)((IPEndPoint)port.Socket.LocalEndPoint!).Port;
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        foreach (int length in EveryLength)
        {
            peer.SendTo(new byte[length], new IPEndPoint(IPAddress.Loopback, boardPort));
        }

        byte[] buffer = new byte[1600];
        var lengths = new List<int>();
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        while ((lengths.Count == 0 || lengths[^1] != 3) && DateTime.UtcNow < deadline)
        {
            int n = port.Receive(buffer, 0, buffer.Length, out _, out _);
            if (n < 0)
            {
                port.WaitForData(100_000);
                continue;
            }

            lengths.Add(n);
        }

        // A datagram longer than a frame is cut to the buffer or skipped (the socket says which), never a stop.
        Assert.Equal([0, 1, 7, 12, 1500], lengths.Take(5));
        Assert.Equal(3, lengths[^1]);
        Assert.All(lengths, n => Assert.InRange(n, 0, buffer.Length));
        Assert.Equal(-1, port.Receive(buffer, 0, buffer.Length, out _, out _));
    }

    [Fact]
    public void What_the_board_sends_leaves_when_it_reads_again_or_waits()
    {
        using var board = new OsHostSockets(Board);
        int udp = board.OpenUdp(0);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        ushort peerPort = (ushort)((IPEndPoint)peer.LocalEndPoint!).Port;

        for (int i = 0; i < 3; i++)
        {
            Assert.True(board.SendTo(udp, Board, peerPort, [(byte)i, 7], 0, 2));
        }

        board.ReceiveFrom(udp, new byte[16], 0, 16, out _, out _); // a turn reads its sockets: the batch goes
        for (int i = 3; i < 5; i++)
        {
            Assert.True(board.SendTo(udp, Board, peerPort, [(byte)i, 7], 0, 2));
        }

        board.WaitForData(peer, 0); // an idle board flushes before it waits

        byte[] buffer = new byte[16];
        for (int i = 0; i < 5; i++)
        {
            Assert.True(peer.Poll(5_000_000, SelectMode.SelectRead), $"datagram {i} never left the board");
            int n = peer.Receive(buffer);
            Assert.Equal(new byte[] { (byte)i, 7 }, buffer[..n]);
        }
    }

    [Fact]
    public void A_turn_reads_what_its_select_found_and_what_came_later_on_the_next_turn()
    {
        using var board = new OsHostSockets(Board);
        int udp = board.OpenUdp(0);
        using var vxlan = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        vxlan.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        ushort peerPort = (ushort)((IPEndPoint)peer.LocalEndPoint!).Port;
        var to = new IPEndPoint(IPAddress.Loopback, LocalPort(board, udp));
        byte[] buffer = new byte[16];

        Assert.False(board.Refresh(vxlan)); // a turn with nothing anywhere
        peer.SendTo([1], to);
        Assert.Equal(-1, board.ReceiveFrom(udp, buffer, 0, 16, out _, out _)); // arrived after the turn's select: next turn
        Assert.True(board.SendTo(udp, Board, peerPort, [2], 0, 1)); // what the turn sends still leaves when it reads its sockets
        Assert.Equal(-1, board.ReceiveFrom(udp, buffer, 0, 16, out _, out _));
        Assert.True(peer.Poll(5_000_000, SelectMode.SelectRead), "the answer never left the board");

        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        int n = -1;
        while (n < 0 && DateTime.UtcNow < deadline)
        {
            board.Refresh(vxlan); // the next turn sees it
            n = board.ReceiveFrom(udp, buffer, 0, 16, out _, out _);
        }

        Assert.Equal(1, n);
        Assert.Equal(1, buffer[0]);
    }

    // The port the OS gave a socket bound to port 0, through the board's own socket list.
    private static ushort LocalPort(OsHostSockets board, int handle) => board.LocalPort(handle);
}
