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

            byte[] e = _entry;
            _queue.Read(e, 0, EntryHeader);
            address = (uint)((e[0] << 24) | (e[1] << 16) | (e[2] << 8) | e[3]);
            port = (ushort)((e[4] << 8) | e[5]);
            int length = (e[6] << 8) | e[7];
            destination = (uint)((e[8] << 24) | (e[9] << 16) | (e[10] << 8) | e[11]);
            int copied = _queue.Read(buffer, offset, length < capacity ? length : capacity);
            if (copied < length)
            {
                _queue.Discard(length - copied); // what did not fit the caller's buffer is lost, as recvfrom truncates
            }

            return copied;
        }

        public void Close()
        {
            _pod.CloseUdp(this);
        }

        internal void Deliver(uint source, ushort sourcePort, uint destination, byte[] data, int offset, int length)
        {
            if (_queue.Capacity - _queue.Count < EntryHeader + length)
            {
                Dropped++;
                return;
            }

            // The datagram's record: who sent it (address, port), its length, and which of our
            // addresses it was for, then its bytes.
            byte[] e = _entry;
            e[0] = (byte)(source >> 24);
            e[1] = (byte)(source >> 16);
            e[2] = (byte)(source >> 8);
            e[3] = (byte)source;
            e[4] = (byte)(sourcePort >> 8);
            e[5] = (byte)sourcePort;
            e[6] = (byte)(length >> 8);
            e[7] = (byte)length;
            e[8] = (byte)(destination >> 24);
            e[9] = (byte)(destination >> 16);
            e[10] = (byte)(destination >> 8);
            e[11] = (byte)destination;
            _queue.Write(e, 0, EntryHeader);
            _queue.Write(data, offset, length);
            Received++;
        }
    }
}
