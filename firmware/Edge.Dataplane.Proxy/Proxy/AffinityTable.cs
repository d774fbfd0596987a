namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// sessionAffinity: ClientIP: which endpoint a client IP last got for a service, until
    /// the service's timeout passes without a new connection (iptables' "recent" module does
    /// the same per service). Fixed size; when full, the entry idle longest is replaced. The
    /// entries are made when the first client is stuck to an endpoint: a board none of whose
    /// services asks for affinity never holds them.
    /// </summary>
    public sealed class AffinityTable
    {
        private readonly int _capacity;
        private uint[] _client;
        private int[] _service;
        private uint[] _endpointAddress;
        private ushort[] _endpointPort;
        private long[] _lastUsed;
        private bool[] _used = new bool[0];

        public AffinityTable(int capacity)
        {
            _capacity = capacity;
        }

        /// <summary>The endpoint this client is stuck to, if its affinity has not timed out.</summary>
        public bool TryGet(uint client, int service, long timeoutMs, long now, out uint address, out ushort port)
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i] && _client[i] == client && _service[i] == service)
                {
                    if (now - _lastUsed[i] < timeoutMs)
                    {
                        address = _endpointAddress[i];
                        port = _endpointPort[i];
                        return true;
                    }

                    _used[i] = false;
                    break;
                }
            }

            address = 0;
            port = 0;
            return false;
        }

        public void Set(uint client, int service, uint address, ushort port, long now)
        {
            if (_used.Length == 0)
            {
                _client = new uint[_capacity];
                _service = new int[_capacity];
                _endpointAddress = new uint[_capacity];
                _endpointPort = new ushort[_capacity];
                _lastUsed = new long[_capacity];
                _used = new bool[_capacity];
            }

            int slot = -1;
            int oldest = 0;
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i] && _client[i] == client && _service[i] == service)
                {
                    slot = i;
                    break;
                }

                if (!_used[i] && slot < 0)
                {
                    slot = i;
                }

                if (_lastUsed[i] < _lastUsed[oldest])
                {
                    oldest = i;
                }
            }

            if (slot < 0)
            {
                slot = oldest;
            }

            _used[slot] = true;
            _client[slot] = client;
            _service[slot] = service;
            _endpointAddress[slot] = address;
            _endpointPort[slot] = port;
            _lastUsed[slot] = now;
        }

        /// <summary>Forgets a service's affinities (the service changed or went away).</summary>
        public void ForgetService(int service)
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i] && _service[i] == service)
                {
                    _used[i] = false;
                }
            }
        }
    }
}
