namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// The services a node proxies, found per packet in O(1) whatever their number: an
    /// open-addressing hash of (virtual IP, port, protocol) to a slot (linear probing,
    /// tombstones on delete). Updates touch one service: a change of endpoints never rebuilds
    /// the table (kube-proxy's change-tracker model). Fixed capacity; a full table refuses.
    /// </summary>
    public sealed class ServiceTable
    {
        private const int Empty = -1;
        private const int Deleted = -2;

        private readonly Service[] _services;
        private readonly int[] _index;    // hash bucket to service slot
        private readonly int _mask;
        private int _count;

        public ServiceTable(int capacity)
        {
            _services = new Service[capacity];
            int buckets = 1;
            while (buckets < capacity * 2)
            {
                buckets <<= 1;
            }

            _index = new int[buckets];
            for (int i = 0; i < buckets; i++)
            {
                _index[i] = Empty;
            }

            _mask = buckets - 1;
        }

        public int Count
        {
            get { return _count; }
        }

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
                    if (s.ClusterIp == address && s.Port == port && s.Protocol == protocol)
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
            for (int i = 0; i < _services.Length; i++)
            {
                Service s = _services[i];
                if (s != null && s.Name == name && s.Namespace == ns && s.PortName == portName)
                {
                    return s;
                }
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

            service.Slot = slot;
            _services[slot] = service;
            if (service.ClusterIp != 0 && service.Type != ServiceType.ExternalName)
            {
                int bucket = Hash(service.ClusterIp, service.Port, service.Protocol) & _mask;
                while (_index[bucket] >= 0)
                {
                    bucket = (bucket + 1) & _mask;
                }

                _index[bucket] = slot;
            }

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
            _services[old.Slot] = null;
            _count--;
            return old;
        }

        private void Unindex(Service service)
        {
            for (int i = 0; i <= _mask; i++)
            {
                if (_index[i] == service.Slot)
                {
                    _index[i] = Deleted;
                }
            }
        }

        private int FreeSlot()
        {
            for (int i = 0; i < _services.Length; i++)
            {
                if (_services[i] == null)
                {
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
