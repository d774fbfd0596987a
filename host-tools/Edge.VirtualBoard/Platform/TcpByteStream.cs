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
            if (socket.Available == 0)
            {
                return socket.Poll(0, SelectMode.SelectRead) ? -1 : 0; // readable and empty: closed
            }

            return socket.Receive(buffer, offset, length, SocketFlags.None);
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
