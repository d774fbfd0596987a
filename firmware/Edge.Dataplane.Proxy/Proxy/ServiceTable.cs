namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// The services a node proxies, found per packet in O(1) whatever their number: an
    /// open-addressing hash of (virtual IP, port, protocol) to a slot (linear probing,
    /// tombstones on delete), and a second one by name for updates. Updates touch one
    /// service: a change of endpoints never rebuilds the table (kube-proxy's change-tracker
    /// model). Fixed capacity; a full table refuses.
    /// </summary>
    public sealed class ServiceTable
    {
        private const int Empty = -1;
        private const int Deleted = -2;

        private readonly Service[] _services;
        private readonly short[] _index;  // hash bucket to service slot, by (address, port, protocol)
        private readonly short[] _byName; // hash bucket to service slot, by namespace/name:port
        private readonly int _mask;
        private int _count;
        private int _tombstones;

        // Per slot: new connections, then connections refused (no endpoint could take them),
        // since the slot's service was last replaced; made on the first count. One table of
        // 2 x capacity counters instead of an array and a field in every service (a 12-byte
        // block per field on nanoFramework).
        private int[] _counts;

        public ServiceTable(int capacity)
        {
            if (capacity > Service.MaxSlots)
            {
                capacity = Service.MaxSlots; // a service keeps its slot in 13 bits
            }

            _services = new Service[capacity];
            int buckets = 1;
            while (buckets < capacity * 2)
            {
                buckets <<= 1;
            }

            _index = new short[buckets];
            _byName = new short[buckets];
            for (int i = 0; i < buckets; i++)
            {
                _index[i] = Empty;
                _byName[i] = Empty;
            }

            _mask = buckets - 1;
        }

        public int Count
        {
            get { return _count; }
        }

        /// <summary>Goes up on every change, so listeners (NodePorts) know when to look again.</summary>
        public int Version;

        public int Capacity
        {
            get { return _services.Length; }
        }

        public Service At(int slot)
        {
            return _services[slot];
        }

        /// <summary>The service for a virtual IP, port and protocol, or null.</summary>
        public Service Lookup(uint address, ushort port, byte protocol)
        {
            int bucket = Hash(address, port, protocol) & _mask;
            for (int probe = 0; probe <= _mask; probe++)
            {
                int slot = _index[bucket];
                if (slot == Empty)
                {
                    return null;
                }

                if (slot >= 0)
                {
                    Service s = _services[slot];
                    if (s != null && s.ClusterIp == address && s.Port == port && s.Protocol == protocol)
                    {
                        return s;
                    }
                }

                bucket = (bucket + 1) & _mask;
            }

            return null;
        }

        /// <summary>The service with this name and port name, or null.</summary>
        public Service Find(string ns, string name, string portName)
        {
            int bucket = NameHash(ns, name, portName) & _mask;
            for (int probe = 0; probe <= _mask; probe++)
            {
                int slot = _byName[bucket];
                if (slot == Empty)
                {
                    return null;
                }

                if (slot >= 0)
                {
                    Service s = _services[slot];
                    if (s != null && s.Name == name && s.Namespace == ns && s.PortName == portName)
                    {
                        return s;
                    }
                }

                bucket = (bucket + 1) & _mask;
            }

            return null;
        }

        /// <summary>
        /// Adds the service or replaces the one with its name and port name. Returns the
        /// replaced service (so the caller can clean its connections), or the service itself
        /// when new; null when the table is full.
        /// </summary>
        public Service Set(Service service)
        {
            Service old = Find(service.Namespace, service.Name, service.PortName);
            int slot;
            if (old != null)
            {
                slot = old.Slot;
                Unindex(old);
            }
            else
            {
                slot = FreeSlot();
                if (slot < 0)
                {
                    return null;
                }

                _count++;
            }

            if (old != service)
            {
                ResetCounts(slot); // a new service object: its counts start over (a reused one keeps them)
            }

            service.Slot = slot;
            _services[slot] = service;
            int nameBucket = NameHash(service.Namespace, service.Name, service.PortName) & _mask;
            while (_byName[nameBucket] >= 0)
            {
                nameBucket = (nameBucket + 1) & _mask;
            }

            _byName[nameBucket] = (short)slot;
            if (service.ClusterIp != 0 && service.Type != ServiceType.ExternalName)
            {
                int bucket = Hash(service.ClusterIp, service.Port, service.Protocol) & _mask;
                while (_index[bucket] >= 0)
                {
                    bucket = (bucket + 1) & _mask;
                }

                _index[bucket] = (short)slot;
            }

            MaybeReindex();
            Version++;
            return old ?? service;
        }

        public Service Remove(string ns, string name, string portName)
        {
            Service old = Find(ns, name, portName);
            if (old == null)
            {
                return null;
            }

            Unindex(old);
            ResetCounts(old.Slot);
            _services[old.Slot] = null;
            _count--;
            MaybeReindex();
            Version++;
            return old;
        }

        /// <summary>Counts a new connection to the service (one the table no longer holds is not counted).</summary>
        public void CountConnection(Service service)
        {
            if (Holds(service))
            {
                Counts()[2 * service.Slot]++;
            }
        }

        /// <summary>Counts a connection no endpoint of the service could take.</summary>
        public void CountRejected(Service service)
        {
            if (Holds(service))
            {
                Counts()[2 * service.Slot + 1]++;
            }
        }

        /// <summary>New connections the service took since it took its slot (a service object reused by a resync keeps its count).</summary>
        public long Connections(Service service)
        {
            return _counts == null || !Holds(service) ? 0 : _counts[2 * service.Slot];
        }

        /// <summary>Connections refused because no endpoint could take them (REJECT in kube-proxy).</summary>
        public long Rejected(Service service)
        {
            return _counts == null || !Holds(service) ? 0 : _counts[2 * service.Slot + 1];
        }

        private bool Holds(Service service)
        {
            int slot = service.Slot;
            return slot >= 0 && slot < _services.Length && _services[slot] == service;
        }

        private int[] Counts()
        {
            if (_counts == null)
            {
                _counts = new int[2 * _services.Length];
            }

            return _counts;
        }

        private void ResetCounts(int slot)
        {
            if (_counts != null && slot >= 0)
            {
                _counts[2 * slot] = 0;
                _counts[2 * slot + 1] = 0;
            }
        }

        // Probes from each hash's bucket to the service's entry and leaves a tombstone.
        private void Unindex(Service service)
        {
            Tombstone(_index, Hash(service.ClusterIp, service.Port, service.Protocol) & _mask, service.Slot);
            Tombstone(_byName, NameHash(service.Namespace, service.Name, service.PortName) & _mask, service.Slot);
        }

        private void MaybeReindex()
        {
            if (_tombstones > _services.Length)
            {
                Reindex();
            }
        }

        // Tombstones lengthen probes for misses; after many deletions start the indexes afresh.
        private void Reindex()
        {
            for (int i = 0; i <= _mask; i++)
            {
                _index[i] = Empty;
                _byName[i] = Empty;
            }

            _tombstones = 0;
            for (int slot = 0; slot < _services.Length; slot++)
            {
                Service s = _services[slot];
                if (s == null)
                {
                    continue;
                }

                int bucket = NameHash(s.Namespace, s.Name, s.PortName) & _mask;
                while (_byName[bucket] >= 0)
                {
                    bucket = (bucket + 1) & _mask;
                }

                _byName[bucket] = (short)slot;
                if (s.ClusterIp != 0 && s.Type != ServiceType.ExternalName)
                {
                    bucket = Hash(s.ClusterIp, s.Port, s.Protocol) & _mask;
                    while (_index[bucket] >= 0)
                    {
                        bucket = (bucket + 1) & _mask;
                    }

                    _index[bucket] = (short)slot;
                }
            }
        }

        private void Tombstone(short[] index, int bucket, int slot)
        {
            for (int probe = 0; probe <= _mask; probe++)
            {
                if (index[bucket] == Empty)
                {
                    return;
                }

                if (index[bucket] == slot)
                {
                    index[bucket] = Deleted;
                    _tombstones++;
                    return;
                }

                bucket = (bucket + 1) & _mask;
            }
        }

        private static int NameHash(string ns, string name, string portName)
        {
            uint h = 2166136261;
            h = Mix(h, ns);
            h = (h ^ '/') * 16777619;
            h = Mix(h, name);
            h = (h ^ ':') * 16777619;
            h = Mix(h, portName);
            return (int)(h & 0x7FFFFFFF);
        }

        private static uint Mix(uint h, string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                h = (h ^ text[i]) * 16777619;
            }

            return h;
        }

        private int _freeHint;

        private int FreeSlot()
        {
            for (int n = 0; n < _services.Length; n++)
            {
                int i = (_freeHint + n) % _services.Length;
                if (_services[i] == null)
                {
                    _freeHint = i + 1;
                    return i;
                }
            }

            return -1;
        }

        private static int Hash(uint address, ushort port, byte protocol)
        {
            uint h = address * 2654435761u;
            h ^= (uint)port * 40503u + protocol;
            h ^= h >> 15;
            return (int)(h & 0x7FFFFFFF);
        }
    }
}
