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
    public sealed class HostSockets : IHostSockets
    {
        private int _next = 1;

        public int ListenTcp(ushort port) => _next++;
        public int ConnectTcp(uint address, ushort port) => -1;
        public int ConnectState(int connection) => -1;

        public int Accept(int listener, out uint remoteAddress, out ushort remotePort)
        {
            remoteAddress = 0;
            remotePort = 0;
            return -1;
        }

        public int Receive(int connection, byte[] buffer, int offset, int length) => 0;
        public int Send(int connection, byte[] buffer, int offset, int length) => length;
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
        }
    }
}
