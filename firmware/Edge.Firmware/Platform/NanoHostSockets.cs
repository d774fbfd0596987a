using System.Net;
using System.Net.Sockets;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>
    /// The board's own sockets (NodePort and LoadBalancer listeners, DNS on port 53, pod egress)
    /// as small integer handles into a fixed table. nanoFramework 1.x sockets block, so each
    /// call that could wait first polls with a zero timeout; two things cannot be made
    /// non-blocking on 1.x and are said here: an outgoing connect (pod egress, off unless the
    /// node allows it) blocks the loop until lwIP connects or gives up, and a send half-close
    /// is not available (the connection closes whole when the relay ends).
    /// </summary>
    public sealed class NanoHostSockets : IHostSockets
    {
        private readonly uint _address;
        private readonly Socket[] _sockets;
        private readonly int[] _state;
        private EndPoint _from = new IPEndPoint(IPAddress.Any, 0);

        public long Errors;

        public NanoHostSockets(uint address, int capacity)
        {
            _address = address;
            _sockets = new Socket[capacity];
            _state = new int[capacity];
        }

        public int ListenTcp(ushort port)
        {
            return Open(SocketType.Stream, ProtocolType.Tcp, port, true);
        }

        public int ConnectTcp(uint address, ushort port)
        {
            int handle = Free();
            if (handle < 0)
            {
                return -1;
            }

            Socket socket = null;
            try
            {
                socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Connect(new IPEndPoint(Addresses.ToIPAddress(address), port)); // blocks: see the class comment
                _sockets[handle] = socket;
                _state[handle] = 1;
                return handle;
            }
            catch (SocketException)
            {
                Errors++;
                if (socket != null)
                {
                    socket.Close();
                }

                return -1;
            }
        }

        public int ConnectState(int connection)
        {
            return Valid(connection) ? _state[connection] : -1;
        }

        public int Accept(int listener, out uint remoteAddress, out ushort remotePort)
        {
            remoteAddress = 0;
            remotePort = 0;
            if (!Valid(listener))
            {
                return -1;
            }

            try
            {
                if (!_sockets[listener].Poll(0, SelectMode.SelectRead))
                {
                    return -1;
                }

                Socket accepted = _sockets[listener].Accept();
                int handle = Free();
                if (handle < 0)
                {
                    accepted.Close(); // no room: refuse rather than leak
                    Errors++;
                    return -1;
                }

                EndPoint remote = accepted.RemoteEndPoint;
                remoteAddress = Addresses.FromEndPoint(remote);
                remotePort = Addresses.PortOf(remote);
                _sockets[handle] = accepted;
                _state[handle] = 1;
                return handle;
            }
            catch (SocketException)
            {
                Errors++;
                return -1;
            }
        }

        public int Receive(int connection, byte[] buffer, int offset, int length)
        {
            if (!Valid(connection))
            {
                return -1;
            }

            try
            {
                Socket socket = _sockets[connection];
                if (!socket.Poll(0, SelectMode.SelectRead))
                {
                    return 0;
                }

                int n = socket.Receive(buffer, offset, length, SocketFlags.None);
                return n > 0 ? n : -1; // readable with nothing to read: the peer closed
            }
            catch (SocketException)
            {
                return -1;
            }
        }

        public int Send(int connection, byte[] buffer, int offset, int length)
        {
            if (!Valid(connection))
            {
                return -1;
            }

            try
            {
                Socket socket = _sockets[connection];
                return socket.Poll(0, SelectMode.SelectWrite) ? socket.Send(buffer, offset, length, SocketFlags.None) : 0;
            }
            catch (SocketException)
            {
                return -1;
            }
        }

        public void ShutdownSend(int connection)
        {
            // No Shutdown on nanoFramework 1.x sockets: the relay closes the connection when both sides are done.
        }

        public int OpenUdp(ushort port)
        {
            return Open(SocketType.Dgram, ProtocolType.Udp, port, false);
        }

        public int ReceiveFrom(int udp, byte[] buffer, int offset, int length, out uint address, out ushort port)
        {
            address = 0;
            port = 0;
            if (!Valid(udp))
            {
                return -1;
            }

            try
            {
                return PolledReceive.From(_sockets[udp], buffer, offset, length, ref _from, out address, out port);
            }
            catch (SocketException)
            {
                Errors++;
                return -1;
            }
        }

        public bool SendTo(int udp, uint address, ushort port, byte[] buffer, int offset, int length)
        {
            if (!Valid(udp))
            {
                return false;
            }

            try
            {
                return _sockets[udp].SendTo(buffer, offset, length, SocketFlags.None, new IPEndPoint(Addresses.ToIPAddress(address), port)) == length;
            }
            catch (SocketException)
            {
                Errors++;
                return false;
            }
        }

        public void Close(int handle)
        {
            if (!Valid(handle))
            {
                return;
            }

            try
            {
                _sockets[handle].Close();
            }
            catch (SocketException)
            {
                // closing what already failed
            }

            _sockets[handle] = null;
            _state[handle] = 0;
        }

        private int Open(SocketType type, ProtocolType protocol, ushort port, bool listen)
        {
            int handle = Free();
            if (handle < 0)
            {
                return -1;
            }

            Socket socket = null;
            try
            {
                socket = new Socket(AddressFamily.InterNetwork, type, protocol);
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(Addresses.ToIPAddress(_address), port));
                if (listen)
                {
                    socket.Listen(4);
                }

                _sockets[handle] = socket;
                _state[handle] = 1;
                return handle;
            }
            catch (SocketException)
            {
                Errors++;
                if (socket != null)
                {
                    socket.Close();
                }

                return -1;
            }
        }

        private int Free()
        {
            for (int i = 0; i < _sockets.Length; i++)
            {
                if (_sockets[i] == null)
                {
                    return i;
                }
            }

            return -1;
        }

        private bool Valid(int handle)
        {
            return handle >= 0 && handle < _sockets.Length && _sockets[handle] != null;
        }
    }
}
