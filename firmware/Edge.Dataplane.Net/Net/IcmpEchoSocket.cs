namespace Edge.Dataplane.Net
{
    /// <summary>
    /// What `ping` in a pod uses: sends echo requests with one identifier and keeps the last
    /// replies (sequence number, round-trip time, TTL) in a small ring.
    /// </summary>
    public sealed class IcmpEchoSocket
    {
        private const int Slots = 16;
        private readonly PodSandbox _pod;
        private readonly ushort[] _sequence = new ushort[Slots];
        private readonly long[] _rtt = new long[Slots];
        private readonly byte[] _ttl = new byte[Slots];
        private readonly uint[] _from = new uint[Slots];
        private readonly long[] _sentAt = new long[Slots];
        private int _head;
        private int _count;

        public readonly ushort Identifier;
        public long RepliesReceived;
        public long RequestsSent;
        internal bool Closed;

        internal IcmpEchoSocket(PodSandbox pod, ushort identifier)
        {
            _pod = pod;
            Identifier = identifier;
        }

        /// <summary>Sends an echo request with <paramref name="dataLength"/> bytes of pattern data.</summary>
        public bool Send(uint destination, ushort sequence, int dataLength)
        {
            if (Closed)
            {
                return false;
            }

            _sentAt[sequence % Slots] = _pod.Now;
            bool sent = _pod.SendEchoRequest(destination, Identifier, sequence, dataLength);
            if (sent)
            {
                RequestsSent++;
            }

            return sent;
        }

        /// <summary>The oldest reply not yet read; false when there is none.</summary>
        public bool TryReadReply(out ushort sequence, out uint from, out long rttMs, out byte ttl)
        {
            if (_count == 0)
            {
                sequence = 0;
                from = 0;
                rttMs = 0;
                ttl = 0;
                return false;
            }

            sequence = _sequence[_head];
            from = _from[_head];
            rttMs = _rtt[_head];
            ttl = _ttl[_head];
            _head = (_head + 1) % Slots;
            _count--;
            return true;
        }

        public void Close()
        {
            _pod.CloseEcho(this);
        }

        internal void Deliver(uint from, ushort sequence, byte ttl, long now)
        {
            int slot = (_head + _count) % Slots;
            if (_count == Slots)
            {
                _head = (_head + 1) % Slots; // keep the newest
                _count--;
            }

            _sequence[slot] = sequence;
            _from[slot] = from;
            _ttl[slot] = ttl;
            _rtt[slot] = now - _sentAt[sequence % Slots];
            _count++;
            RepliesReceived++;
        }
    }
}
