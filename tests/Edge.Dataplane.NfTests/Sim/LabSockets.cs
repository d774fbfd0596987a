#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>
    /// A board's own sockets (what lwIP gives a board) in memory: UDP on the <see cref="Lan"/>,
    /// and TCP to clients on the lab LAN that a test makes with <see cref="Dial"/>. A connection
    /// is two byte queues; a FIN is a flag after the last byte. Every call returns at once, as
    /// <see cref="IHostSockets"/> asks. Outbound TCP (pod egress) is refused: the lab has no
    /// internet. As a platform that terminates TLS (<see cref="TlsSessions"/> above 0), its TLS
    /// listener is a plain one holding the certificates it was given: the handshake is the
    /// platform's (tested with real TLS clients on each platform); the lab tests what the ingress
    /// does with connections that come through it.
    /// </summary>
    public sealed class LabSockets : IHostSockets, ITlsListener
    {
        private const int MaxHandles = 24;
        private const int Backlog = 4;

        private readonly Lan _lan;
        private readonly uint _address;
        private readonly object[] _handles = new object[MaxHandles];
        private ushort _nextUdpPort = 40000;
        private ushort _nextClientPort = 50000;

        /// <summary>The TLS sessions this platform claims to hold (0: it terminates no TLS).</summary>
        public int TlsSessions;

        /// <summary>The certificates the last ListenTls gave, and the port.</summary>
        public TlsCertificates Certificates;
        public ushort TlsPort;

        public int Sessions
        {
            get { return TlsSessions; }
        }

        public int ListenTls(ushort port, TlsCertificates certificates)
        {
            Certificates = certificates;
            TlsPort = port;
            for (int i = 0; i < MaxHandles; i++)
            {
                var listener = _handles[i] as LabListener;
                if (listener != null && listener.Port == port)
                {
                    return i; // the same port again: new certificates
                }
            }

            return TlsSessions > 0 ? Take(new LabListener(port)) : -1;
        }

        public LabSockets(Lan lan, uint address)
        {
            _lan = lan;
            _address = address;
        }

        /// <summary>A lab client connects to the board's port; null when nothing listens there or its backlog is full (refused).</summary>
        public LabConnection Dial(ushort port, uint clientAddress)
        {
            for (int i = 0; i < MaxHandles; i++)
            {
                var listener = _handles[i] as LabListener;
                if (listener != null && listener.Port == port && listener.Count < Backlog)
                {
                    var connection = new LabConnection(clientAddress, _nextClientPort++);
                    listener.Pending[listener.Count++] = connection;
                    return connection;
                }
            }

            return null;
        }

        /// <summary>Whether the board listens for TCP on the port.</summary>
        public bool IsListening(ushort port)
        {
            for (int i = 0; i < MaxHandles; i++)
            {
                var listener = _handles[i] as LabListener;
                if (listener != null && listener.Port == port)
                {
                    return true;
                }
            }

            return false;
        }

        public int ListenTcp(ushort port)
        {
            return IsListening(port) ? -1 : Take(new LabListener(port));
        }

        public int ConnectTcp(uint address, ushort port)
        {
            return -1;
        }

        public int ConnectState(int connection)
        {
            return _handles[connection] is LabConnection ? 1 : -1;
        }

        public int Accept(int listener, out uint remoteAddress, out ushort remotePort)
        {
            remoteAddress = 0;
            remotePort = 0;
            var l = _handles[listener] as LabListener;
            if (l == null || l.Count == 0)
            {
                return -1;
            }

            LabConnection connection = l.Pending[0];
            for (int i = 1; i < l.Count; i++)
            {
                l.Pending[i - 1] = l.Pending[i];
            }

            l.Count--;
            int handle = Take(connection);
            if (handle < 0)
            {
                connection.BoardClosed = true;
                return -1;
            }

            remoteAddress = connection.ClientAddress;
            remotePort = connection.ClientPort;
            return handle;
        }

        public int Receive(int connection, byte[] buffer, int offset, int length)
        {
            var c = _handles[connection] as LabConnection;
            if (c == null)
            {
                return -1;
            }

            if (c.ToBoard.Count > 0)
            {
                return c.ToBoard.Read(buffer, offset, length);
            }

            return c.ClientSentFin ? -1 : 0;
        }

        public int Send(int connection, byte[] buffer, int offset, int length)
        {
            var c = _handles[connection] as LabConnection;
            if (c == null || c.BoardSentFin || c.ClientClosed)
            {
                return -1;
            }

            return c.FromBoard.Write(buffer, offset, length);
        }

        public void ShutdownSend(int connection)
        {
            var c = _handles[connection] as LabConnection;
            if (c != null)
            {
                c.BoardSentFin = true;
            }
        }

        public int OpenUdp(ushort port)
        {
            if (port == 0)
            {
                port = _nextUdpPort++;
            }

            if (_lan.IsOpen(_address, port))
            {
                return -1;
            }

            return Take(_lan.Open(_address, port));
        }

        public int ReceiveFrom(int udp, byte[] buffer, int offset, int length, out uint address, out ushort port)
        {
            address = 0;
            port = 0;
            var p = _handles[udp] as LanPort;
            return p == null ? -1 : p.Receive(buffer, offset, length, out address, out port);
        }

        public bool SendTo(int udp, uint address, ushort port, byte[] buffer, int offset, int length)
        {
            var p = _handles[udp] as LanPort;
            return p != null && p.Send(address, port, buffer, offset, length);
        }

        public void Close(int handle)
        {
            object o = _handles[handle];
            _handles[handle] = null;
            var connection = o as LabConnection;
            if (connection != null)
            {
                connection.BoardClosed = true;
            }

            var port = o as LanPort;
            if (port != null)
            {
                port.Closed = true;
            }

            var listener = o as LabListener;
            for (int i = 0; listener != null && i < listener.Count; i++)
            {
                listener.Pending[i].BoardClosed = true; // never accepted: the client sees a reset
            }
        }

        /// <summary>Handles in use, to see that closed connections were given back.</summary>
        public int OpenHandles
        {
            get
            {
                int n = 0;
                for (int i = 0; i < MaxHandles; i++)
                {
                    n += _handles[i] != null ? 1 : 0;
                }

                return n;
            }
        }

        private int Take(object o)
        {
            for (int i = 0; i < MaxHandles; i++)
            {
                if (_handles[i] == null)
                {
                    _handles[i] = o;
                    return i;
                }
            }

            return -1;
        }

        private sealed class LabListener
        {
            public readonly ushort Port;
            public readonly LabConnection[] Pending = new LabConnection[Backlog];
            public int Count;

            public LabListener(ushort port)
            {
                Port = port;
            }
        }
    }

    /// <summary>A lab client's TCP connection to a board: what the client sends and reads, and who closed.</summary>
    public sealed class LabConnection
    {
        internal readonly ByteRing ToBoard = new ByteRing(4096);
        internal readonly ByteRing FromBoard = new ByteRing(4096);
        internal bool ClientSentFin;
        internal bool BoardSentFin;
        internal bool BoardClosed;
        internal bool ClientClosed;

        public readonly uint ClientAddress;
        public readonly ushort ClientPort;

        internal LabConnection(uint clientAddress, ushort clientPort)
        {
            ClientAddress = clientAddress;
            ClientPort = clientPort;
        }

        /// <summary>Bytes the board will read; fewer when its queue is full.</summary>
        public int Send(byte[] data, int offset, int length)
        {
            return ClientSentFin || BoardClosed ? 0 : ToBoard.Write(data, offset, length);
        }

        /// <summary>Bytes the board sent that the client had not read.</summary>
        public int Receive(byte[] buffer, int offset, int length)
        {
            return FromBoard.Read(buffer, offset, length);
        }

        /// <summary>The client's FIN: it sends nothing more.</summary>
        public void ShutdownSend()
        {
            ClientSentFin = true;
        }

        /// <summary>
        /// The client closes its socket: a FIN after what it sent, and what the board sends after
        /// that is refused (the client's stack answers it with a reset).
        /// </summary>
        public void Close()
        {
            ClientSentFin = true;
            ClientClosed = true;
        }

        /// <summary>The board sent FIN (or closed) and everything it sent has been read.</summary>
        public bool EndOfStream
        {
            get { return (BoardSentFin || BoardClosed) && FromBoard.Count == 0; }
        }

        /// <summary>The board gave the connection's handle back.</summary>
        public bool ClosedByBoard
        {
            get { return BoardClosed; }
        }
    }
}
