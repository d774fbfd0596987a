namespace Edge.Dataplane.Net
{
    /// <summary>
    /// Routes to other nodes' pod CIDRs, the flannel vxlan model: each remote pod CIDR is
    /// reached through that node's VTEP (its board address, VXLAN port and VTEP MAC). Routes
    /// come from configuration (later: from the control plane), never from traffic, so the
    /// table cannot be flooded. Longest prefix wins.
    /// </summary>
    public sealed class RouteTable
    {
        private readonly uint[] _network;
        private readonly int[] _prefix;
        private readonly uint[] _peerAddress;
        private readonly ushort[] _peerPort;
        private readonly ulong[] _peerVtepMac;
        private int _count;

        public RouteTable(int capacity)
        {
            _network = new uint[capacity];
            _prefix = new int[capacity];
            _peerAddress = new uint[capacity];
            _peerPort = new ushort[capacity];
            _peerVtepMac = new ulong[capacity];
        }

        public int Count
        {
            get { return _count; }
        }

        public int Capacity
        {
            get { return _network.Length; }
        }

        /// <summary>Adds or replaces the route for network/prefix; false when the table is full.</summary>
        public bool Set(uint network, int prefix, uint peerAddress, ushort peerPort, ulong peerVtepMac)
        {
            uint mask = Wire.Ipv4Address.MaskOf(prefix);
            int i = Find(network & mask, prefix);
            if (i < 0)
            {
                if (_count == _network.Length)
                {
                    return false;
                }

                i = _count++;
            }

            _network[i] = network & mask;
            _prefix[i] = prefix;
            _peerAddress[i] = peerAddress;
            _peerPort[i] = peerPort;
            _peerVtepMac[i] = peerVtepMac;
            return true;
        }

        public bool Remove(uint network, int prefix)
        {
            int i = Find(network & Wire.Ipv4Address.MaskOf(prefix), prefix);
            if (i < 0)
            {
                return false;
            }

            _count--;
            _network[i] = _network[_count];
            _prefix[i] = _prefix[_count];
            _peerAddress[i] = _peerAddress[_count];
            _peerPort[i] = _peerPort[_count];
            _peerVtepMac[i] = _peerVtepMac[_count];
            return true;
        }

        /// <summary>The index of the longest-prefix route for a destination, or -1.</summary>
        public int Lookup(uint destination)
        {
            int best = -1;
            for (int i = 0; i < _count; i++)
            {
                if ((destination & Wire.Ipv4Address.MaskOf(_prefix[i])) == _network[i]
                    && (best < 0 || _prefix[i] > _prefix[best]))
                {
                    best = i;
                }
            }

            return best;
        }

        /// <summary>
        /// The route of the VTEP that sent a datagram from address:port, or -1 (VXLAN from an
        /// unknown sender). Boards send from their VXLAN port, but a Linux vxlan device picks a
        /// source port per flow (RFC 7348 §5 asks for entropy there), so when no route matches
        /// address and port exactly, the address alone decides.
        /// </summary>
        public int FindPeer(uint address, ushort port)
        {
            int byAddress = -1;
            for (int i = 0; i < _count; i++)
            {
                if (_peerAddress[i] == address)
                {
                    if (_peerPort[i] == port)
                    {
                        return i;
                    }

                    byAddress = i;
                }
            }

            return byAddress;
        }

        public uint PeerAddress(int route)
        {
            return _peerAddress[route];
        }

        public ushort PeerPort(int route)
        {
            return _peerPort[route];
        }

        public ulong PeerVtepMac(int route)
        {
            return _peerVtepMac[route];
        }

        public uint Network(int route)
        {
            return _network[route];
        }

        public int Prefix(int route)
        {
            return _prefix[route];
        }

        private int Find(uint network, int prefix)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_network[i] == network && _prefix[i] == prefix)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
