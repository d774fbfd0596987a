using System.Net.Sockets;
using Edge.Dataplane.Platform;

namespace Edge.VirtualBoard.Platform;

/// <summary>The management line of a virtual board: a non-blocking TCP connection from the host.</summary>
public sealed class TcpByteStream(Socket socket) : IByteStream, IDisposable
{
    public int Read(byte[] buffer, int offset, int length)
    {
        try
        {
            // Poll, then receive: readable and 0 bytes read is the host's FIN.
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
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return -1;
        }
    }

    public int Write(byte[] buffer, int offset, int length)
    {
        try
        {
            return socket.Send(buffer, offset, length, SocketFlags.None);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
        {
            return 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return -1;
        }
    }

    public void Dispose() => socket.Dispose();
}
