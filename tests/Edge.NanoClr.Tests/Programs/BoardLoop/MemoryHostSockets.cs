#nullable disable
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;

namespace Edge.NanoClr.Programs
{
    /// <summary>
    /// The board's own sockets in memory, with the lab LAN's clients on the other side: TCP
    /// listeners the node opens (NodePort, LoadBalancer) take connections the scenario makes
    /// with <see cref="Connect"/>, and both directions of a connection are byte rings, FIN
    /// included. UDP sockets open but nothing arrives on them; nothing on this LAN answers an
    /// outgoing connection (egress). Handles are not reused: a fake for one run.
    /// </summary>
    public sealed class MemoryHostSockets : IHostSockets
    {
        private const int Listener = 1;
        private const int Connection = 2;
        private const int Udp = 3;
        private const int Closed = 4;

        private readonly int[] _kind;
        private readonly ushort[] _port;
        private readonly int[] _listener; // a connection's listener, -1 once accepted
        private readonly uint[] _clientAddress;
        private readonly ushort[] _clientPort;
        private readonly ByteRing[] _toBoard;
        private readonly ByteRing[] _toClient;
        private readonly bool[] _clientFinished;
        private readonly bool[] _boardFinished;
        private int _next;

        public long UdpSent;

        public MemoryHostSockets(int capacity)
        {
            _kind = new int[capacity];
            _port = new ushort[capacity];
            _listener = new int[capacity];
            _clientAddress = new uint[capacity];
            _clientPort = new ushort[capacity];
            _toBoard = new ByteRing[capacity];
            _toClient = new ByteRing[capacity];
            _clientFinished = new bool[capacity];
            _boardFinished = new bool[capacity];
        }

        /// <summary>The TCP ports the board listens on now, as "30080" or "30080 31000".</summary>
        public string Listening()
        {
            string ports = "";
            for (int h = 0; h < _next; h++)
            {
                if (_kind[h] == Listener)
                {
                    ports += (ports.Length == 0 ? "" : " ") + _port[h].ToString();
                }
            }

            return ports.Length == 0 ? "none" : ports;
        }

        // The LAN client's side.

        /// <summary>A client on the LAN connects to the board's TCP port: the connection's handle, or -1 (refused: nothing listens there).</summary>
        public int Connect(ushort port, uint clientAddress, ushort clientPort)
        {
            for (int h = 0; h < _next; h++)
            {
                if (_kind[h] == Listener && _port[h] == port)
                {
                    int c = Open(Connection, port);
                    _listener[c] = h;
                    _clientAddress[c] = clientAddress;
                    _clientPort[c] = clientPort;
                    _toBoard[c] = new ByteRing(2048);
                    _toClient[c] = new ByteRing(8192);
                    return c;
                }
            }

            return -1;
        }

        public void ClientSend(int connection, byte[] buffer, int offset, int length)
        {
            _toBoard[connection].Write(buffer, offset, length);
        }

        /// <summary>The client is done sending (its FIN).</summary>
        public void ClientFinish(int connection)
        {
            _clientFinished[connection] = true;
        }

        /// <summary>Bytes the board sent the client, taken.</summary>
        public int ClientReceive(int connection, byte[] buffer, int offset, int length)
        {
            return _toClient[connection].Read(buffer, offset, length);
        }

        /// <summary>The board has finished sending to the client (FIN, or closed) and all of it was read.</summary>
        public bool ClientSawEnd(int connection)
        {
            return _boardFinished[connection] && _toClient[connection].Count == 0;
        }

        // The board's side (IHostSockets).

        public int ListenTcp(ushort port)
        {
            for (int h = 0; h < _next; h++)
            {
                if (_kind[h] == Listener && _port[h] == port)
                {
                    return -1;
                }
            }

            return Open(Listener, port);
        }

        public int ConnectTcp(uint address, ushort port)
        {
            return -1;
        }

        public int ConnectState(int connection)
        {
            return _kind[connection] == Connection ? 1 : -1;
        }

        public int Accept(int listener, out uint remoteAddress, out ushort remotePort)
        {
            for (int h = 0; h < _next; h++)
            {
                if (_kind[h] == Connection && _listener[h] == listener)
                {
                    _listener[h] = -1;
                    remoteAddress = _clientAddress[h];
                    remotePort = _clientPort[h];
                    return h;
                }
            }

            remoteAddress = 0;
            remotePort = 0;
            return -1;
        }

        public int Receive(int connection, byte[] buffer, int offset, int length)
        {
            if (_kind[connection] != Connection)
            {
                return -1;
            }

            int n = _toBoard[connection].Read(buffer, offset, length);
            return n == 0 && _clientFinished[connection] ? -1 : n;
        }

        public int Send(int connection, byte[] buffer, int offset, int length)
        {
            if (_kind[connection] != Connection || _boardFinished[connection])
            {
                return -1;
            }

            return _toClient[connection].Write(buffer, offset, length);
        }

        public void ShutdownSend(int connection)
        {
            _boardFinished[connection] = true;
        }

        public int OpenUdp(ushort port)
        {
            return Open(Udp, port);
        }

        public int ReceiveFrom(int udp, byte[] buffer, int offset, int length, out uint address, out ushort port)
        {
            address = 0;
            port = 0;
            return -1;
        }

        public bool SendTo(int udp, uint address, ushort port, byte[] buffer, int offset, int length)
        {
            UdpSent++;
            return _kind[udp] == Udp;
        }

        public void Close(int handle)
        {
            if (_kind[handle] == Connection)
            {
                _boardFinished[handle] = true;
            }

            _kind[handle] = Closed;
        }

        private int Open(int kind, ushort port)
        {
            if (_next == _kind.Length)
            {
                return -1;
            }

            int h = _next++;
            _kind[h] = kind;
            _port[h] = port;
            _listener[h] = -1;
            return h;
        }
    }
}
