using System.Net;
using System.Net.Sockets;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>The management port (TCP 7900 on the board's address): a zero-time poll, then accept, so the loop never waits on it.</summary>
    public sealed class NanoManagementListener : IManagementListener
    {
        private readonly Socket _listener;

        public NanoManagementListener(uint address, ushort port)
        {
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new IPEndPoint(Addresses.ToIPAddress(address), port));
            _listener.Listen(1);
        }

        public IByteStream Accept()
        {
            try
            {
                return _listener.Poll(0, SelectMode.SelectRead) ? new NanoTcpLine(_listener.Accept()) : null;
            }
            catch (SocketException)
            {
                return null; // the connection went before it was taken: the host connects again
            }
        }

        public void Close(IByteStream line)
        {
            NanoTcpLine tcp = line as NanoTcpLine;
            if (tcp != null)
            {
                tcp.Close();
            }
        }
    }
}
