using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// A UDP socket in a pod's sandbox, bound to one port. Received datagrams wait in a fixed
    /// ring with their source; when it is full new ones are dropped and counted, as a full
    /// socket buffer does on Linux.
    /// </summary>
    public sealed class UdpSocket
    {
        private const int EntryHeader = 12; // source address, source port, length, destination address
        private readonly PodSandbox _pod;
        private readonly ByteRing _queue;
        private readonly byte[] _entry = new byte[EntryHeader];

        public readonly ushort LocalPort;
        public long Dropped;
        public long Received;
        public long Sent;

        internal bool Closed;

        internal UdpSocket(PodSandbox pod, ushort port, int receiveBuffer)
        {
            _pod = pod;
            LocalPort = port;
            _queue = new ByteRing(receiveBuffer);
        }

        public bool HasData
        {
            get { return _queue.Count > 0; }
        }

        /// <summary>
        /// Sends one datagram from this socket's port; false when it could not be queued (too
        /// big for one frame, no buffer, socket closed).
        /// </summary>
        public bool SendTo(uint address, ushort port, byte[] data, int offset, int length)
        {
            if (Closed)
            {
                return false;
            }

            bool sent = _pod.SendUdp(LocalPort, address, port, data, offset, length);
            if (sent)
            {
                Sent++;
            }

            return sent;
        }

        /// <summary>
        /// Copies the next datagram into buffer and returns its length (cut to capacity), or -1
        /// when none waits.
        /// </summary>
        public int ReceiveFrom(byte[] buffer, int offset, int capacity, out uint address, out ushort port)
        {
            uint destination;
            return ReceiveFrom(buffer, offset, capacity, out address, out port, out destination);
        }

        /// <summary>As ReceiveFrom, also saying which of our addresses the datagram was sent to (a server answers from it).</summary>
        public int ReceiveFrom(byte[] buffer, int offset, int capacity, out uint address, out ushort port, out uint destination)
        {
            address = 0;
            port = 0;
            destination = 0;
            if (_queue.Count < EntryHeader)
            {
                return -1;
            }

            _queue.Read(_entry, 0, EntryHeader);
            destination = NetworkOrder.ReadU32(_entry, 8);
            address = NetworkOrder.ReadU32(_entry, 0);
            port = NetworkOrder.ReadU16(_entry, 4);
            int length = NetworkOrder.ReadU16(_entry, 6);
            int copied = _queue.Read(buffer, offset, length < capacity ? length : capacity);
            _queue.Discard(length - copied);
            return copied;
        }

        public void Close()
        {
            _pod.CloseUdp(this);
        }

        internal void Deliver(uint source, ushort sourcePort, uint destination, byte[] data, int offset, int length)
        {
            if (_queue.Free < EntryHeader + length)
            {
                Dropped++;
                return;
            }

            NetworkOrder.WriteU32(_entry, 0, source);
            NetworkOrder.WriteU16(_entry, 4, sourcePort);
            NetworkOrder.WriteU16(_entry, 6, (ushort)length);
            NetworkOrder.WriteU32(_entry, 8, destination);
            _queue.Write(_entry, 0, EntryHeader);
            _queue.Write(data, offset, length);
            Received++;
        }
    }
}
