using System.Net.Sockets;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>The management line to the control plane over TCP (the board's port 7900): polled reads, -1 once the host has gone.</summary>
    public sealed class NanoTcpLine : IByteStream
    {
        private readonly Socket _socket;
        private bool _closed;

        public NanoTcpLine(Socket socket)
        {
            _socket = socket;
        }

        public int Read(byte[] buffer, int offset, int length)
        {
            if (_closed)
            {
                return -1;
            }

            try
            {
                if (!_socket.Poll(0, SelectMode.SelectRead))
                {
                    return 0;
                }

                int n = _socket.Receive(buffer, offset, length, SocketFlags.None);
                if (n > 0)
                {
                    return n;
                }
            }
            catch (SocketException)
            {
                // the host went away
            }

            Close();
            return -1;
        }

        public int Write(byte[] buffer, int offset, int length)
        {
            if (_closed)
            {
                return -1;
            }

            try
            {
                return _socket.Send(buffer, offset, length, SocketFlags.None);
            }
            catch (SocketException)
            {
                Close();
                return -1;
            }
        }

        /// <summary>The host has gone (or the line was closed here).</summary>
        public bool Closed
        {
            get { return _closed; }
        }

        public void Close()
        {
            if (!_closed)
            {
                _closed = true;
                _socket.Close();
            }
        }
    }
}
