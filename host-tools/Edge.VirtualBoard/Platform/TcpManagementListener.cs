using System.Net;
using System.Net.Sockets;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.VirtualBoard.Platform;

/// <summary>The virtual board's management port: a non-blocking listener whose connections are <see cref="TcpByteStream"/> lines.</summary>
public sealed class TcpManagementListener : IManagementListener, IDisposable
{
    private readonly Socket _listener;

    public TcpManagementListener(uint address, ushort port)
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        try
        {
            _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Bind(new IPEndPoint(new IPAddress([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]), port));
            _listener.Listen(16);
        }
        catch (SocketException e)
        {
            _listener.Dispose();
            throw new BoardException($"cannot listen for the control plane on {Ipv4Address.Format(address)}:{port}: {e.SocketErrorCode}");
        }
    }

    public IByteStream? Accept()
    {
        try
        {
            if (!_listener.Poll(0, SelectMode.SelectRead))
            {
                return null;
            }

            Socket accepted = _listener.Accept();
            accepted.Blocking = false;
            accepted.NoDelay = true;
            return new TcpByteStream(accepted);
        }
        catch (SocketException)
        {
            return null; // gone before it was taken: the host connects again
        }
    }

    public void Close(IByteStream line) => (line as TcpByteStream)?.Dispose();

    /// <summary>The OS socket, for a wait over all of a board's sockets.</summary>
    internal Socket Socket => _listener;

    public void Dispose() => _listener.Dispose();
}
