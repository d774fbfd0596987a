namespace Edge.Dataplane.Net
{
    /// <summary>
    /// The bridge's forwarding database: which port a source MAC was last seen on (IEEE
    /// 802.1D learning). Fixed size; entries age out after <see cref="AgeingMs"/> (802.1D's
    /// default 300 s), and when full the oldest is replaced, so unknown MACs cannot grow it.
    /// </summary>
    public sealed class MacTable
    {
        public const int AgeingMs = 300000;

        private readonly ulong[] _mac;
        private readonly int[] _port;
        private readonly long[] _seen;
        private readonly bool[] _used;

        public MacTable(int capacity)
        {
            _mac = new ulong[capacity];
            _port = new int[capacity];
            _seen = new long[capacity];
            _used = new bool[capacity];
        }

        public int Capacity
        {
            get { return _used.Length; }
        }

        public long Evictions;

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

        public void Learn(ulong mac, int port, long now)
        {
            if ((mac & 0x010000000000UL) != 0)
            {
                return; // a group address (the I/G bit) is never a source to learn
            }

            int oldest = 0;
            ulong[] macs = _mac;
            bool[] used = _used;
            for (int i = 0; i < used.Length; i++)
            {
                if (macs[i] == mac && used[i])
                {
                    _port[i] = port;
                    _seen[i] = now;
                    return;
                }
            }

            for (int i = 0; i < _used.Length; i++)
            {
                if (!_used[i] || now - _seen[i] >= AgeingMs)
                {
                    Set(i, mac, port, now);
                    return;
                }

                if (_seen[i] < _seen[oldest])
                {
                    oldest = i;
                }
            }

            Evictions++;
            Set(oldest, mac, port, now);
        }

        /// <summary>The port for a MAC, or -1 when unknown (the bridge floods).</summary>
        public int Lookup(ulong mac, long now)
        {
            ulong[] macs = _mac;
            bool[] used = _used;
            for (int i = 0; i < used.Length; i++)
            {
                if (macs[i] == mac && used[i])
                {
                    return now - _seen[i] < AgeingMs ? _port[i] : -1;
                }
            }

            return -1;
        }

        /// <summary>Forgets every MAC learned on a port (the port went away).</summary>
        public void ForgetPort(int port)
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i] && _port[i] == port)
                {
                    _used[i] = false;
                }
            }
        }

        private void Set(int i, ulong mac, int port, long now)
        {
            _used[i] = true;
            _mac[i] = mac;
            _port[i] = port;
            _seen[i] = now;
        }
    }
}
