using System.Net;
using System.Net.Sockets;
using Edge.Dataplane.Ingress;
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
    /// On a board whose memory class takes TLS sessions it terminates TLS (<see cref="ITlsListener"/>):
    /// a TLS listener's and connection's handles are in the same table, the listener's clients
    /// through their handshake (<see cref="NanoTlsHandshakes"/>) and the connections' plaintext
    /// through SslStream (<see cref="NanoTlsConnection"/>).
    /// </summary>
    public sealed class NanoHostSockets : IHostSockets, ITlsListener
    {
        private readonly uint _address;
        private readonly Socket[] _sockets;
        private readonly int[] _state;
        private EndPoint _from = new IPEndPoint(IPAddress.Any, 0);

        // By handle, where the board terminates TLS (else null): a TLS listener's certificates,
        // a TLS connection's stream. The socket itself is in _sockets like any other.
        private readonly NanoServerCertificates[] _tlsListeners;
        private readonly NanoTlsConnection[] _tlsConnections;

        public long Errors;

        /// <summary>Clients through their handshake or not; null where the board terminates no TLS.</summary>
        public readonly NanoTlsHandshakes TlsHandshakes;

        /// <summary>With <paramref name="tlsSessions"/> TLS sessions at once (MemoryClass.TlsSessions; 0: no TLS), timed by <paramref name="clock"/>.</summary>
        public NanoHostSockets(uint address, int capacity, int tlsSessions, IClock clock)
        {
            _address = address;
            _sockets = new Socket[capacity];
            _state = new int[capacity];
            if (tlsSessions > 0)
            {
                TlsHandshakes = new NanoTlsHandshakes(tlsSessions, clock);
                _tlsListeners = new NanoServerCertificates[capacity];
                _tlsConnections = new NanoTlsConnection[capacity];
            }
        }

        public int Sessions
        {
            get { return TlsHandshakes != null ? TlsHandshakes.Sessions : 0; }
        }

        public int ListenTls(ushort port, TlsCertificates certificates)
        {
            if (TlsHandshakes == null || certificates == null || certificates.Count == 0)
            {
                return -1;
            }

            for (int i = 0; i < _sockets.Length; i++)
            {
                if (_tlsListeners[i] != null && Addresses.PortOf(_sockets[i].LocalEndPoint) == port)
                {
                    if (_tlsListeners[i].Source != certificates)
                    {
                        _tlsListeners[i] = new NanoServerCertificates(certificates); // for the clients to come
                    }

                    return i;
                }
            }

            int handle = ListenTcp(port);
            if (handle >= 0)
            {
                _tlsListeners[handle] = new NanoServerCertificates(certificates);
            }

            return handle;
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

            if (IsTlsListener(listener))
            {
                return AcceptTls(listener, out remoteAddress, out remotePort);
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

            if (IsTlsConnection(connection))
            {
                return _tlsConnections[connection].Receive(buffer, offset, length);
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

            if (IsTlsConnection(connection))
            {
                return _tlsConnections[connection].Send(buffer, offset, length);
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
            // Nor on its SslStream: a TLS connection's close_notify goes with its Close.
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

            if (IsTlsConnection(handle))
            {
                _tlsConnections[handle].Close(); // close_notify, and the socket with it
                _tlsConnections[handle] = null;
                TlsHandshakes.Ended();
                _sockets[handle] = null;
                _state[handle] = 0;
                return;
            }

            if (IsTlsListener(handle))
            {
                TlsHandshakes.DropListener(handle);
                _tlsListeners[handle] = null;
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

        // The listener's next client through its handshake, given a handle (none free: the clients wait).
        private int AcceptTls(int listener, out uint remoteAddress, out ushort remotePort)
        {
            remoteAddress = 0;
            remotePort = 0;
            int handle = Free();
            if (handle < 0)
            {
                return -1;
            }

            NanoTlsConnection connection;
            try
            {
                connection = TlsHandshakes.Next(listener, _sockets[listener], _tlsListeners[listener]);
            }
            catch (SocketException)
            {
                Errors++; // the listener's accept failed
                return -1;
            }

            if (connection == null)
            {
                return -1;
            }

            remoteAddress = connection.RemoteAddress;
            remotePort = connection.RemotePort;
            _sockets[handle] = connection.Socket;
            _state[handle] = 1;
            _tlsConnections[handle] = connection;
            return handle;
        }

        // Null tested by branching: on nanoCLR a never-assigned array element is null to a branch
        // but not equal to a null reference as a value (RouteMatcher.SameString says more).
        private bool IsTlsListener(int handle)
        {
            if (_tlsListeners == null || _tlsListeners[handle] == null)
            {
                return false;
            }

            return true;
        }

        private bool IsTlsConnection(int handle)
        {
            if (_tlsConnections == null || _tlsConnections[handle] == null)
            {
                return false;
            }

            return true;
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
