using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Policy
{
    /// <summary>
    /// The connections policy allowed, remembered so their later packets and their replies pass
    /// without asking the rules again (what conntrack's ESTABLISHED does for iptables-based policy
    /// engines). Only connections of pods some policy isolates are remembered. A fixed table of
    /// sets of <see cref="Ways"/> entries; a connection hashes the same in both directions, so a
    /// reply finds its connection in the same set. When a set is full the connection seen least
    /// recently gives way (counted in <see cref="Evicted"/>): its next packet is decided afresh.
    /// Each entry keeps the version of the policies that allowed it: after a change, the
    /// connection is checked again at its next packet.
    /// </summary>
    public sealed class PolicyConnections
    {
        public const int Ways = 4;

        /// <summary>Idle seconds a connection is remembered: TCP, TCP after FIN or RST, UDP, anything else.</summary>
        public const int TcpSeconds = 3600;
        public const int TcpClosingSeconds = 10;
        public const int UdpSeconds = 60;
        public const int OtherSeconds = 30;

        // The tuple as the connection's first packet carried it (ports: source in the high half).
        // Protocol 0 marks a free entry: only TCP, UDP and ICMP echo are ever remembered.
        private readonly byte[] _protocol;
        private readonly uint[] _source;
        private readonly uint[] _destination;
        private readonly uint[] _ports;
        private readonly ushort[] _version;
        private readonly bool[] _closing;
        private readonly int[] _lastSeen; // seconds
        private readonly int _setMask;
        private int _rotor;

        public int Count;
        public uint Evicted;

        /// <summary>Makes room for <paramref name="capacity"/> connections, rounded up to a power of two and at least one set.</summary>
        public PolicyConnections(int capacity)
        {
            int sets = 1;
            while (sets * Ways < capacity)
            {
                sets <<= 1;
            }

            int n = sets * Ways;
            _setMask = sets - 1;
            _protocol = new byte[n];
            _source = new uint[n];
            _destination = new uint[n];
            _ports = new uint[n];
            _version = new ushort[n];
            _closing = new bool[n];
            _lastSeen = new int[n];
        }

        public int Capacity
        {
            get { return _protocol.Length; }
        }

        /// <summary>
        /// The entry of the connection this packet belongs to, in either direction, or -1.
        /// <paramref name="reply"/> says the packet goes the other way from the first one.
        /// </summary>
        public int Find(byte protocol, uint source, uint destination, uint ports, long now, out bool reply)
        {
            reply = false;
            int first = SetOf(protocol, source, destination, ports) * Ways;
            int seconds = (int)(now / 1000);
            uint swapped = (ports << 16) | (ports >> 16);
            for (int i = first; i < first + Ways; i++)
            {
                if (_protocol[i] != protocol || Expired(i, seconds))
                {
                    continue;
                }

                if (_source[i] == source && _destination[i] == destination && _ports[i] == ports)
                {
                    return i;
                }

                if (_source[i] == destination && _destination[i] == source && _ports[i] == swapped)
                {
                    reply = true;
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Remembers a connection allowed under policy <paramref name="version"/>; the entry, never -1 (a full set gives way).</summary>
        public int Add(byte protocol, uint source, uint destination, uint ports, int version, long now)
        {
            int first = SetOf(protocol, source, destination, ports) * Ways;
            int seconds = (int)(now / 1000);
            int slot = -1;

            // Among connections last seen in the same second, the one to give way takes turns
            // (a rotor, not always the set's first way): else a burst of new connections would
            // keep displacing the newest while three older ones stayed.
            _rotor = (_rotor + 1) & (Ways - 1);
            for (int k = 0; k < Ways; k++)
            {
                int i = first + ((_rotor + k) & (Ways - 1));
                if (_protocol[i] == 0 || Expired(i, seconds))
                {
                    slot = i;
                    break;
                }

                if (slot < 0 || _lastSeen[i] < _lastSeen[slot])
                {
                    slot = i;
                }
            }

            if (_protocol[slot] != 0 && !Expired(slot, seconds))
            {
                Evicted++;
            }
            else if (_protocol[slot] == 0)
            {
                Count++;
            }

            _protocol[slot] = protocol;
            _source[slot] = source;
            _destination[slot] = destination;
            _ports[slot] = ports;
            _version[slot] = (ushort)version;
            _closing[slot] = false;
            _lastSeen[slot] = seconds;
            return slot;
        }

        /// <summary>A packet of the connection passed: it stays remembered; a TCP FIN or RST shortens its time.</summary>
        public void Seen(int entry, byte tcpFlags, long now)
        {
            _lastSeen[entry] = (int)(now / 1000);
            if ((tcpFlags & (TcpFlags.Fin | TcpFlags.Rst)) != 0)
            {
                _closing[entry] = true;
            }
        }

        public void Remove(int entry)
        {
            if (_protocol[entry] != 0)
            {
                _protocol[entry] = 0;
                Count--;
            }
        }

        /// <summary>Forgets every connection (the node's pods changed under them).</summary>
        public void Clear()
        {
            for (int i = 0; i < _protocol.Length; i++)
            {
                _protocol[i] = 0;
            }

            Count = 0;
        }

        public bool IsCurrent(int entry, int version)
        {
            return _version[entry] == (ushort)version;
        }

        /// <summary>The connection was checked again under <paramref name="version"/> and still holds.</summary>
        public void Renew(int entry, int version)
        {
            _version[entry] = (ushort)version;
        }

        public byte ProtocolOf(int entry)
        {
            return _protocol[entry];
        }

        public uint SourceOf(int entry)
        {
            return _source[entry];
        }

        public uint DestinationOf(int entry)
        {
            return _destination[entry];
        }

        public uint PortsOf(int entry)
        {
            return _ports[entry];
        }

        /// <summary>Whether the entry holds a connection still remembered at <paramref name="now"/>.</summary>
        public bool IsLive(int entry, long now)
        {
            return _protocol[entry] != 0 && !Expired(entry, (int)(now / 1000));
        }

        private bool Expired(int i, int seconds)
        {
            int limit = _protocol[i] == IpProtocol.Tcp ? (_closing[i] ? TcpClosingSeconds : TcpSeconds)
                : _protocol[i] == IpProtocol.Udp ? UdpSeconds : OtherSeconds;
            return seconds - _lastSeen[i] > limit;
        }

        // The same set for both directions: the hash mixes the two ends with XOR, which does not care about order.
        private int SetOf(byte protocol, uint source, uint destination, uint ports)
        {
            uint h = source ^ destination ^ (ports >> 16) ^ (ports & 0xFFFF) ^ protocol;
            h ^= h >> 16;
            h *= 0x45D9F3B;
            h ^= h >> 16;
            return (int)(h & (uint)_setMask);
        }
    }
}
