using System.Net;
using System.Net.Sockets;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>
    /// The board's VXLAN socket: UDP on its address. nanoFramework 1.x sockets block, so every
    /// receive is preceded by a zero-time poll; sends reuse one endpoint per peer (a small
    /// table, since a board has a handful of peers) so sending allocates nothing. Receiving
    /// does allocate: the interpreter creates a new IPEndPoint for each datagram's source.
    /// </summary>
    public sealed class NanoDatagramPort : IDatagramPort
    {
        private const int MaxPeers = 16;

        private readonly Socket _socket;
        private readonly uint[] _peerAddress = new uint[MaxPeers];
        private readonly ushort[] _peerPort = new ushort[MaxPeers];
        private readonly EndPoint[] _peerEndPoint = new EndPoint[MaxPeers];
        private int _peers;
        private EndPoint _from = new IPEndPoint(IPAddress.Any, 0);

        public long Errors;

        public NanoDatagramPort(uint address, ushort port)
        {
            LocalAddress = address;
            LocalPort = port;
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _socket.Bind(new IPEndPoint(Addresses.ToIPAddress(address), port));
        }

        public uint LocalAddress { get; private set; }

        public ushort LocalPort { get; private set; }

        public bool Send(uint address, ushort port, byte[] buffer, int offset, int length)
        {
            try
            {
                return _socket.SendTo(buffer, offset, length, SocketFlags.None, EndPointFor(address, port)) == length;
            }
            catch (SocketException)
            {
                Errors++;
                return false;
            }
        }

        public int Receive(byte[] buffer, int offset, int capacity, out uint address, out ushort port)
        {
            try
            {
                return PolledReceive.From(_socket, buffer, offset, capacity, ref _from, out address, out port);
            }
            catch (SocketException)
            {
                address = 0;
                port = 0;
                Errors++;
                return -1;
            }
        }

        public bool Readable
        {
            get
            {
                try
                {
                    return _socket.Poll(0, SelectMode.SelectRead);
                }
                catch (SocketException)
                {
                    Errors++;
                    return false;
                }
            }
        }

        /// <summary>Waits up to the given time for a datagram (the loop's idle sleep).</summary>
        public bool WaitForData(int milliseconds)
        {
            try
            {
                return _socket.Poll(milliseconds * 1000, SelectMode.SelectRead);
            }
            catch (SocketException)
            {
                return false;
            }
        }

        private EndPoint EndPointFor(uint address, ushort port)
        {
            for (int i = 0; i < _peers; i++)
            {
                if (_peerAddress[i] == address && _peerPort[i] == port)
                {
                    return _peerEndPoint[i];
                }
            }

            int slot = _peers < MaxPeers ? _peers++ : (int)(address % MaxPeers);
            _peerAddress[slot] = address;
            _peerPort[slot] = port;
            _peerEndPoint[slot] = new IPEndPoint(Addresses.ToIPAddress(address), port);
            return _peerEndPoint[slot];
        }
    }
}
