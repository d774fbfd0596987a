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
        private readonly long[] _expires;
        private readonly long[] _lastRequest;
        private readonly bool[] _resolved;
        private readonly bool[] _used;
        private long _windowStart;
        private int _requestsInWindow;

        public ArpCache(int capacity)
        {
            _address = new uint[capacity];
            _mac = new ulong[capacity];
            _expires = new long[capacity];
            _lastRequest = new long[capacity];
            _resolved = new bool[capacity];
            _used = new bool[capacity];
        }

        public int Capacity
        {
            get { return _used.Length; }
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
                for (int i = 0; i < _used.Length; i++)
                {
                    if (_used[i])
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
            if (i >= 0 && _resolved[i] && _expires[i] > now)
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

            _used[i] = true;
            _address[i] = address;
            _mac[i] = mac;
            _resolved[i] = true;
            _expires[i] = now + ReachableMs;
        }

        /// <summary>
        /// Whether to send an ARP request for an address now: not when one went out for it in
        /// the last second, and not beyond the rate limit. Creates an incomplete entry.
        /// </summary>
        public bool ShouldRequest(uint address, long now)
        {
            int i = Find(address);
            if (i >= 0 && _lastRequest[i] != 0 && now - _lastRequest[i] < RequestIntervalMs)
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
                _used[i] = true;
                _address[i] = address;
                _resolved[i] = false;
                _expires[i] = now + IncompleteMs;
            }

            _lastRequest[i] = now == 0 ? 1 : now;
            _requestsInWindow++;
            return true;
        }

        /// <summary>Drops every entry for an address (a pod went away).</summary>
        public void Forget(uint address)
        {
            int i = Find(address);
            if (i >= 0)
            {
                _used[i] = false;
            }
        }

        /// <summary>Frees expired entries.</summary>
        public void Expire(long now)
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i] && _expires[i] <= now)
                {
                    _used[i] = false;
                }
            }
        }

        private int Find(uint address)
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i] && _address[i] == address)
                {
                    return i;
                }
            }

            return -1;
        }

        private int Allocate(long now)
        {
            int soonest = 0;
            for (int i = 0; i < _used.Length; i++)
            {
                if (!_used[i] || _expires[i] <= now)
                {
                    _lastRequest[i] = 0;
                    return i;
                }

                if (_expires[i] < _expires[soonest])
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
