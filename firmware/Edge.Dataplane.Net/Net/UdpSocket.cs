using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// A UDP socket in a pod's sandbox, bound to one port. Received datagrams wait in a fixed
    /// queue: their bytes in a ring, and beside it a record per datagram (who sent it, its length,
    /// which of our addresses it was for). When either is full new datagrams are dropped and
    /// counted, as a full socket buffer does on Linux.
    /// </summary>
    public sealed class UdpSocket
    {
        // The receive buffer is split between records and bytes: a record for every 64 bytes,
        // so many tiny datagrams fill a socket before their bytes do, as Linux charges each
        // datagram more than its payload (its truesize). Records are three words, not bytes in
        // the ring: written and read as values, not a byte at a time (the interpreter pays per
        // operation).
        private const int BufferBytesPerRecord = 64;
        private const int RecordWords = 3; // source address; source port << 16 | length; destination address
        private readonly PodSandbox _pod;
        private readonly ByteRing _queue;
        private readonly uint[] _records;
        private int _firstRecord; // where the oldest record starts, in words
        private int _waiting;

        public readonly ushort LocalPort;
        public long Dropped;
        public long Received;
        public long Sent;

        internal bool Closed;

        internal UdpSocket(PodSandbox pod, ushort port, int receiveBuffer)
        {
            _pod = pod;
            LocalPort = port;
            int slots = receiveBuffer / BufferBytesPerRecord;
            if (slots < 1)
            {
                slots = 1;
            }

            _records = new uint[slots * RecordWords];
            int bytes = receiveBuffer - slots * RecordWords * 4;
            _queue = new ByteRing(bytes < 1 ? 1 : bytes);
        }

        public bool HasData
        {
            get { return _waiting > 0; }
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
            if (_waiting == 0)
            {
                return -1;
            }

            uint[] records = _records;
            int at = _firstRecord;
            address = records[at];
            uint portAndLength = records[at + 1];
            destination = records[at + 2];
            port = (ushort)(portAndLength >> 16);
            int length = (int)(portAndLength & 0xFFFF);
            _firstRecord = at + RecordWords == records.Length ? 0 : at + RecordWords;
            _waiting--;
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
            uint[] records = _records;
            int used = _waiting * RecordWords;
            if (used == records.Length || _queue.Free < length)
            {
                Dropped++;
                return;
            }

            int at = _firstRecord + used;
            if (at >= records.Length)
            {
                at -= records.Length;
            }

            records[at] = source;
            records[at + 1] = ((uint)sourcePort << 16) | (uint)length;
            records[at + 2] = destination;
            _waiting++;
            _queue.Write(data, offset, length);
            Received++;
        }
    }
}
