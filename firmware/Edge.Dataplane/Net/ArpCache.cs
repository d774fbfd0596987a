namespace Edge.Dataplane.Net
{
    /// <summary>
    /// IPv4-to-MAC neighbour entries (RFC 826) in a fixed table. Entries expire; when the table
    /// is full the entry that expires soonest makes room, so a flood of new addresses can never
    /// grow it. Requests for one address are spaced <see cref="RequestIntervalMs"/> apart, and
    /// all requests together are limited to <see cref="RequestsPerSecond"/>.
    /// </summary>
    public sealed class ArpCache
    {
        public const int ReachableMs = 60000;
        public const int IncompleteMs = 3000;
        public const int RequestIntervalMs = 1000;
        public const int RequestsPerSecond = 10;

        private readonly uint[] _address;
        private readonly ulong[] _mac;
        // Times are the clock's milliseconds cut to 32 bits and compared by difference (safe for
        // spans under 24 days); the two flags share a byte. A pod's cache costs a small board
        // a third less so.
        private readonly int[] _expires;
        private readonly int[] _lastRequest;
        private readonly byte[] _flags;
        private const byte UsedFlag = 1;
        private const byte ResolvedFlag = 2;
        private long _windowStart;
        private int _requestsInWindow;

        public ArpCache(int capacity)
        {
            _address = new uint[capacity];
            _mac = new ulong[capacity];
            _expires = new int[capacity];
            _lastRequest = new int[capacity];
            _flags = new byte[capacity];
        }

        public int Capacity
        {
            get { return _flags.Length; }
        }

        /// <summary>Entries pushed out to make room for new ones.</summary>
        public long Evictions;

        /// <summary>Requests not sent because of the rate limit.</summary>
        public long RequestsSuppressed;

        public int Count
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _flags.Length; i++)
                {
                    if ((_flags[i] & UsedFlag) != 0)
                    {
                        n++;
                    }
                }

                return n;
            }
        }

        /// <summary>The MAC for an address, if resolved and not expired.</summary>
        public bool TryLookup(uint address, long now, out ulong mac)
        {
            int i = Find(address);
            if (i >= 0 && (_flags[i] & ResolvedFlag) != 0 && (int)now - _expires[i] < 0)
            {
                mac = _mac[i];
                return true;
            }

            mac = 0;
            return false;
        }

        /// <summary>Records what an ARP packet told us (sender address and MAC).</summary>
        public void Learn(uint address, ulong mac, long now)
        {
            int i = Find(address);
            if (i < 0)
            {
                i = Allocate(now);
            }

            _flags[i] |= UsedFlag;
            _address[i] = address;
            _mac[i] = mac;
            _flags[i] |= ResolvedFlag;
            _expires[i] = (int)now + ReachableMs;
        }

        /// <summary>
        /// Whether to send an ARP request for an address now: not when one went out for it in
        /// the last second, and not beyond the rate limit. Creates an incomplete entry.
        /// </summary>
        public bool ShouldRequest(uint address, long now)
        {
            int i = Find(address);
            if (i >= 0 && _lastRequest[i] != 0 && (int)now - _lastRequest[i] < RequestIntervalMs)
            {
                return false;
            }

            if (now - _windowStart >= 1000)
            {
                _windowStart = now;
                _requestsInWindow = 0;
            }

            if (_requestsInWindow >= RequestsPerSecond)
            {
                RequestsSuppressed++;
                return false;
            }

            if (i < 0)
            {
                i = Allocate(now);
                _flags[i] = UsedFlag;
                _address[i] = address;
                _expires[i] = (int)now + IncompleteMs;
            }

            _lastRequest[i] = (int)now == 0 ? 1 : (int)now;
            _requestsInWindow++;
            return true;
        }

        /// <summary>Drops every entry for an address (a pod went away).</summary>
        public void Forget(uint address)
        {
            int i = Find(address);
            if (i >= 0)
            {
                _flags[i] = 0;
            }
        }

        /// <summary>Frees expired entries.</summary>
        public void Expire(long now)
        {
            for (int i = 0; i < _flags.Length; i++)
            {
                if ((_flags[i] & UsedFlag) != 0 && (int)now - _expires[i] >= 0)
                {
                    _flags[i] = 0;
                }
            }
        }

        private int Find(uint address)
        {
            for (int i = 0; i < _flags.Length; i++)
            {
                if ((_flags[i] & UsedFlag) != 0 && _address[i] == address)
                {
                    return i;
                }
            }

            return -1;
        }

        private int Allocate(long now)
        {
            int soonest = 0;
            for (int i = 0; i < _flags.Length; i++)
            {
                if ((_flags[i] & UsedFlag) == 0 || (int)now - _expires[i] >= 0)
                {
                    _lastRequest[i] = 0;
                    return i;
                }

                if (_expires[i] - _expires[soonest] < 0)
                {
                    soonest = i;
                }
            }

            Evictions++;
            _lastRequest[soonest] = 0;
            return soonest;
        }
    }
}
