using Edge.Dataplane.Platform;

namespace Edge.VirtualBoard.Budget;

/// <summary>A platform that carries no traffic: for pricing a board's memory, where only what it holds matters.</summary>
public static class NullPlatform
{
    /// <summary>A VXLAN port that carries nothing.</summary>
    public sealed class Port : IDatagramPort
    {
        public uint LocalAddress => 0;
        public ushort LocalPort => 0;
        public bool Send(uint address, ushort port, byte[] buffer, int offset, int length) => true;

        public bool Readable => false;

        public int Receive(byte[] buffer, int offset, int capacity, out uint address, out ushort port)
        {
            address = 0;
            port = 0;
            return -1;
        }
    }

    /// <summary>
    /// A management connection in memory: what the host writes waits for the board to read, what
    /// the board writes is kept for the host (<see cref="TakeWritten"/>), until the line is closed.
    /// </summary>
    public sealed class Line : IByteStream
    {
        private readonly Queue<byte> _toBoard = new();
        private readonly List<byte> _fromBoard = new();

        public bool Closed { get; set; }

        /// <summary>Bytes the board has written and the host has not taken.</summary>
        public int Waiting => _fromBoard.Count;

        public void Feed(byte[] bytes)
        {
            foreach (byte b in bytes)
            {
                _toBoard.Enqueue(b);
            }
        }

        public byte[] TakeWritten()
        {
            byte[] written = _fromBoard.ToArray();
            _fromBoard.Clear();
            return written;
        }

        public int Read(byte[] buffer, int offset, int length)
        {
            if (Closed)
            {
                return -1;
            }

            int n = 0;
            while (n < length && _toBoard.Count > 0)
            {
                buffer[offset + n++] = _toBoard.Dequeue();
            }

            return n;
        }

        public int Write(byte[] buffer, int offset, int length)
        {
            if (Closed)
            {
                return -1;
            }

            _fromBoard.AddRange(buffer.AsSpan(offset, length).ToArray());
            return length;
        }
    }

    /// <summary>The management port: hands over the connections offered, one per accept.</summary>
    public sealed class Listener : IManagementListener
    {
        private readonly Queue<IByteStream> _waiting = new();

        public void Offer(IByteStream line) => _waiting.Enqueue(line);

        public IByteStream? Accept() => _waiting.Count > 0 ? _waiting.Dequeue() : null;

        public void Close(IByteStream line)
        {
            if (line is Line l)
            {
                l.Closed = true;
            }
        }
    }

    /// <summary>The board's own sockets live in lwIP, not the managed heap: handles that never carry anything.</summary>
    /// <summary>The board's own sockets: handles that carry nothing but one ingress client when offered (its request read once, then its FIN).</summary>
    public sealed class HostSockets : IHostSockets
    {
        private const int ClientHandle = 1000;
        private int _next = 1;
        private int _ingressListener = -1;
        private byte[]? _request;
        private bool _offered;
        private bool _requestRead;

        /// <summary>Bytes the board sent the ingress client, and whether it closed the client.</summary>
        public int Answered { get; private set; }

        public bool ClientClosed { get; private set; }

        /// <summary>A client connects to the ingress port (80) and sends this request.</summary>
        public void OfferIngressClient(byte[] request)
        {
            _request = request;
            _offered = true;
        }

        public int ListenTcp(ushort port)
        {
            if (port == 80)
            {
                _ingressListener = _next;
            }

            return _next++;
        }

        public int ConnectTcp(uint address, ushort port) => -1;
        public int ConnectState(int connection) => -1;

        public int Accept(int listener, out uint remoteAddress, out ushort remotePort)
        {
            remoteAddress = 0xC0A832C8;
            remotePort = 40000;
            if (listener != _ingressListener || !_offered)
            {
                return -1;
            }

            _offered = false;
            return ClientHandle;
        }

        public int Receive(int connection, byte[] buffer, int offset, int length)
        {
            if (connection != ClientHandle)
            {
                return 0;
            }

            if (_requestRead)
            {
                return -1;
            }

            _requestRead = true;
            _request!.CopyTo(buffer, offset);
            return _request.Length;
        }

        public int Send(int connection, byte[] buffer, int offset, int length)
        {
            if (connection == ClientHandle)
            {
                Answered += length;
            }

            return length;
        }

        public void ShutdownSend(int connection)
        {
        }

        public int OpenUdp(ushort port) => _next++;

        public int ReceiveFrom(int udp, byte[] buffer, int offset, int length, out uint address, out ushort port)
        {
            address = 0;
            port = 0;
            return -1;
        }

        public bool SendTo(int udp, uint address, ushort port, byte[] buffer, int offset, int length) => true;

        public void Close(int handle)
        {
            ClientClosed |= handle == ClientHandle;
        }
    }
}
