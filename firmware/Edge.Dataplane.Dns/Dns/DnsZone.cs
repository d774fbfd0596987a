using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// The cluster.local data a board answers from, built from the tables the host pushes:
    /// services by (name, namespace) in an open-addressing hash, pods by address. Names are
    /// precomputed in lower-case wire form when a service is set, so answering a query builds
    /// no strings and allocates nothing.
    /// </summary>
    public sealed class DnsZone
    {
        private const int Empty = -1;
        private const int Deleted = -2;

        private readonly DnsService[] _services;
        private readonly int[] _index;
        private readonly int _mask;
        // The cluster's pods by address: the applied state's own arrays (SetPods), which nothing
        // writes once decoded, rather than a copy of up to DnsPods of them; copied into arrays of
        // the zone's own only when a pod is set or removed one at a time.
        private uint[] _podAddress = Edge.Dataplane.Empty.UInts;
        private string[] _podNamespace = Edge.Dataplane.Empty.Strings;
        private int _podCount;
        private readonly int _podCapacity;
        private bool _podsOwned;

        public readonly byte[] Zone;
        public readonly int ZoneLabels;
        public readonly byte[] SoaMname;
        public readonly byte[] SoaRname;
        public readonly uint Ttl;

        /// <summary>SOA serial: goes up with every change.</summary>
        public uint Serial = 1;

        public DnsZone(string zone, uint ttl, int services, int pods)
            : this(zone, ttl, services, pods, null)
        {
        }

        /// <summary>
        /// Whether a zone by this name can be served: it and the longest name made from it (the SOA's
        /// "hostmaster." mailbox) are DNS names, so a state from the host with a damaged cluster
        /// domain is refused before a node is built on it.
        /// </summary>
        public static bool CanServe(string zone)
        {
            return zone != null && DnsName.FromText("hostmaster." + zone) != null;
        }

        /// <param name="servicePorts">The node's service table, where services with a ClusterIP are answered from; null for none.</param>
        public DnsZone(string zone, uint ttl, int services, int pods, IServicePorts servicePorts)
        {
            Services = servicePorts;
            Zone = DnsName.FromText(zone);
            ZoneLabels = CountLabels(Zone);
            SoaMname = DnsName.FromText("ns.dns." + zone);
            SoaRname = DnsName.FromText("hostmaster." + zone);
            Ttl = ttl;
            _services = new DnsService[services];
            int buckets = 1;
            while (buckets < services * 2)
            {
                buckets <<= 1;
            }

            _index = new int[buckets];
            for (int i = 0; i < buckets; i++)
            {
                _index[i] = Empty;
            }

            _mask = buckets - 1;
            _podCapacity = pods;
        }

        private bool Holds(DnsService s)
        {
            for (int i = 0; i < _services.Length; i++)
            {
                if (_services[i] == s)
                {
                    return true;
                }
            }

            return false;
        }

        public int ServiceCount
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _services.Length; i++)
                {
                    n += _services[i] != null ? 1 : 0;
                }

                return n;
            }
        }

        /// <summary>Adds or replaces a service; false when the zone is full or a name is invalid.</summary>
        public bool SetService(DnsService s)
        {
            if (Holds(s))
            {
                return true; // this very entry, kept unchanged through a resync: nothing to rebuild
            }

            // The name is checked here and built again when an answer needs it (DnsServer), not
            // kept: 60 bytes a service on a small board.
            string suffix = s.Name + "." + s.Namespace + ".svc." + DnsName.ToText(Zone, 0);
            if (DnsName.FromText(suffix) == null)
            {
                return false;
            }

            s.ExternalWire = s.ExternalName != null ? DnsName.FromText(s.ExternalName) : null;
            if (s.ExternalName != null && s.ExternalWire == null)
            {
                return false;
            }


            s.EndpointFqdns = Edge.Dataplane.Empty.OrNewByteArrays(s.EndpointAddresses.Length);
            for (int e = 0; e < s.EndpointAddresses.Length; e++)
            {
                string host = s.EndpointHostnames.Length > e && s.EndpointHostnames[e] != null ? s.EndpointHostnames[e] : Dashed(s.EndpointAddresses[e]);
                s.EndpointFqdns[e] = DnsName.FromText(host + "." + suffix);
            }

            s.NameHash = Hash(Label(s.Name), 0, Label(s.Namespace), 0);
            RemoveService(s.Namespace, s.Name);
            for (int slot = 0; slot < _services.Length; slot++)
            {
                if (_services[slot] == null)
                {
                    _services[slot] = s;
                    int bucket = s.NameHash & _mask;
                    while (_index[bucket] >= 0)
                    {
                        bucket = (bucket + 1) & _mask;
                    }

                    _index[bucket] = slot;
                    Serial++;
                    return true;
                }
            }

            return false;
        }

        public bool RemoveService(string ns, string name)
        {
            for (int bucket = 0; bucket <= _mask; bucket++)
            {
                int slot = _index[bucket];
                if (slot >= 0 && _services[slot].Name == name && _services[slot].Namespace == ns)
                {
                    _services[slot] = null;
                    _index[bucket] = Deleted;
                    Serial++;
                    return true;
                }
            }

            return false;
        }

        /// <summary>Removes every service not among these (by namespace and name).</summary>
        public void RemoveServicesExcept(DnsService[] keep)
        {
            for (int slot = 0; slot < _services.Length; slot++)
            {
                DnsService s = _services[slot];
                if (s == null)
                {
                    continue;
                }

                bool wanted = false;
                for (int i = 0; i < keep.Length && !wanted; i++)
                {
                    wanted = keep[i].Name == s.Name && keep[i].Namespace == s.Namespace;
                }

                if (!wanted)
                {
                    RemoveService(s.Namespace, s.Name);
                }
            }
        }

        /// <summary>Replaces the pod records with these (as many as fit); the zone keeps the arrays, which the caller must not change afterwards.</summary>
        public void SetPods(uint[] addresses, string[] namespaces)
        {
            _podAddress = addresses;
            _podNamespace = namespaces;
            _podsOwned = false;
            _podCount = addresses.Length < _podCapacity ? addresses.Length : _podCapacity;
            Serial++;
        }

        /// <summary>Records a pod for a-b-c-d.namespace.pod.zone; false when full.</summary>
        public bool SetPod(uint address, string ns)
        {
            for (int i = 0; i < _podCount; i++)
            {
                if (_podAddress[i] == address)
                {
                    OwnPods();
                    _podNamespace[i] = ns;
                    return true;
                }
            }

            if (_podCount == _podCapacity)
            {
                return false;
            }

            OwnPods();
            _podAddress[_podCount] = address;
            _podNamespace[_podCount] = ns;
            _podCount++;
            return true;
        }

        public void RemovePod(uint address)
        {
            for (int i = 0; i < _podCount; i++)
            {
                if (_podAddress[i] == address)
                {
                    OwnPods();
                    _podCount--;
                    _podAddress[i] = _podAddress[_podCount];
                    _podNamespace[i] = _podNamespace[_podCount];
                    return;
                }
            }
        }

        private void OwnPods()
        {
            if (_podsOwned)
            {
                return;
            }

            uint[] addresses = new uint[_podCapacity];
            string[] namespaces = new string[_podCapacity];
            System.Array.Copy(_podAddress, addresses, _podCount);
            System.Array.Copy(_podNamespace, namespaces, _podCount);
            _podAddress = addresses;
            _podNamespace = namespaces;
            _podsOwned = true;
        }

        /// <summary>The service whose name and namespace are the labels at these offsets of name, or null.</summary>
        public DnsService FindService(byte[] name, int serviceLabel, int namespaceLabel)
        {
            int hash = Hash(name, serviceLabel, name, namespaceLabel); // one hash for both tables
            DnsService entry = FindEntry(name, serviceLabel, namespaceLabel, hash);
            return entry != null ? entry : FromTable(name, serviceLabel, namespaceLabel, hash);
        }

        private DnsService FindEntry(byte[] name, int serviceLabel, int namespaceLabel, int hash)
        {
            int bucket = hash & _mask;
            for (int probe = 0; probe <= _mask; probe++)
            {
                int slot = _index[bucket];
                if (slot == Empty)
                {
                    return null;
                }

                if (slot >= 0)
                {
                    DnsService s = _services[slot];
                    if (LabelIs(name, serviceLabel, s.Name) && LabelIs(name, namespaceLabel, s.Namespace))
                    {
                        return s;
                    }
                }

                bucket = (bucket + 1) & _mask;
            }

            return null;
        }

        /// <summary>True when some service lives in the namespace named by the label at this offset.</summary>
        public bool HasNamespace(byte[] name, int namespaceLabel)
        {
            for (int i = 0; i < _services.Length; i++)
            {
                DnsService s = _services[i];
                if (s != null && LabelIs(name, namespaceLabel, s.Namespace))
                {
                    return true;
                }
            }

            ServicePortEntry v = _port;
            for (int slot = 0; Services != null && slot < Services.Capacity; slot++)
            {
                if (Services.Read(slot, v) && LabelIs(name, namespaceLabel, v.Namespace))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when a pod with this address lives in the namespace named by the label.</summary>
        public bool HasPod(uint address, byte[] name, int namespaceLabel)
        {
            for (int i = 0; i < _podCount; i++)
            {
                if (_podAddress[i] == address && LabelIs(name, namespaceLabel, _podNamespace[i]))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The service with this ClusterIP, or the headless service with an endpoint at it (e >= 0).</summary>
        public DnsService FindByAddress(uint address, out int endpoint)
        {
            endpoint = -1;
            for (int i = 0; i < _services.Length; i++)
            {
                DnsService s = _services[i];
                if (s == null)
                {
                    continue;
                }

                if (s.ClusterIp == address && s.ExternalName == null)
                {
                    return s;
                }

                if (s.Headless)
                {
                    for (int e = 0; e < s.EndpointAddresses.Length; e++)
                    {
                        if (s.EndpointAddresses[e] == address && s.EndpointReady[e])
                        {
                            endpoint = e;
                            return s;
                        }
                    }
                }
            }

            if (Services == null)
            {
                return null;
            }

            short[] index = ByName(); // first: building it reads slots over the entry below
            ServicePortEntry v = _port;
            for (int slot = 0; slot < Services.Capacity; slot++)
            {
                if (Services.Read(slot, v) && v.ClusterIp == address)
                {
                    return View(v, HashText(v.Name, v.Namespace) & (index.Length - 1));
                }
            }

            return null;
        }

        /// <summary>
        /// The node's service table. A ClusterIP service is answered from its entries there (one
        /// per port), so the host sends DNS entries only for headless and ExternalName services:
        /// a second copy of every service's name, address and ports was 130 bytes each on a small
        /// board, and bytes on the wire.
        /// </summary>
        public readonly IServicePorts Services;

        // Where the service table's slots are read into, one at a time.
        private readonly ServicePortEntry _port = new ServicePortEntry();

        // The answer's view of a table service, filled per query (the board answers one at a
        // time); port arrays for up to four ports are kept, each made when first needed, so a
        // query allocates nothing once the zone has answered a service with that many ports.
        private readonly DnsService _view = new DnsService();
        private readonly string[][] _viewNames = new string[5][];
        private readonly byte[][] _viewProtocols = new byte[5][];
        private readonly ushort[][] _viewNumbers = new ushort[5][];

        // The service table's ports by (name, namespace): open addressing over slot + 1 (0 is
        // empty), rebuilt when the table's version moves (a state was applied), made on the first
        // query that needs it. A query then reads the one or two slots of its service, not all.
        private short[] _byName;
        private int _byNameVersion;

        private DnsService FromTable(byte[] name, int serviceLabel, int namespaceLabel, int hash)
        {
            if (Services == null)
            {
                return null;
            }

            short[] index = ByName();
            int mask = index.Length - 1;
            ServicePortEntry v = _port;
            for (int bucket = hash & mask; index[bucket] != 0; bucket = (bucket + 1) & mask)
            {
                if (Services.Read(index[bucket] - 1, v) && LabelIs(name, serviceLabel, v.Name) && LabelIs(name, namespaceLabel, v.Namespace))
                {
                    return View(v, bucket);
                }
            }

            return null;
        }

        private short[] ByName()
        {
            int version = Services.Version;
            if (_byName != null && _byNameVersion == version)
            {
                return _byName;
            }

            if (_byName == null)
            {
                int buckets = 4;
                while (buckets < Services.Capacity * 2)
                {
                    buckets <<= 1;
                }

                _byName = new short[buckets];
            }

            short[] index = _byName;
            int mask = index.Length - 1;
            for (int i = 0; i < index.Length; i++)
            {
                index[i] = 0;
            }

            ServicePortEntry v = _port;
            for (int slot = 0; slot < Services.Capacity; slot++)
            {
                if (Services.Read(slot, v))
                {
                    int bucket = HashText(v.Name, v.Namespace) & mask;
                    while (index[bucket] != 0)
                    {
                        bucket = (bucket + 1) & mask;
                    }

                    index[bucket] = (short)(slot + 1);
                }
            }

            _byNameVersion = version;
            return index;
        }

        /// <summary>
        /// The service of this table entry with all its ports, as DNS answers it (the entry is read
        /// over). Its other ports are further along the same probe chain, from <paramref name="bucket"/>
        /// to the first empty bucket, in slot order.
        /// </summary>
        private DnsService View(ServicePortEntry first, int bucket)
        {
            DnsService view = _view;
            view.Namespace = first.Namespace;
            view.Name = first.Name;
            view.ClusterIp = first.ClusterIp;
            short[] index = _byName;
            int mask = index.Length - 1;
            ServicePortEntry v = _port;
            int ports = 0;
            for (int b = bucket; index[b] != 0; b = (b + 1) & mask)
            {
                ports += Services.Read(index[b] - 1, v) && v.Name == view.Name && v.Namespace == view.Namespace ? 1 : 0;
            }

            if (ports >= _viewNames.Length)
            {
                view.PortNames = new string[ports];
                view.PortProtocols = new byte[ports];
                view.PortNumbers = new ushort[ports];
            }
            else
            {
                if (_viewNames[ports] == null)
                {
                    _viewNames[ports] = new string[ports];
                    _viewProtocols[ports] = new byte[ports];
                    _viewNumbers[ports] = new ushort[ports];
                }

                view.PortNames = _viewNames[ports];
                view.PortProtocols = _viewProtocols[ports];
                view.PortNumbers = _viewNumbers[ports];
            }

            int p = 0;
            for (int b = bucket; index[b] != 0 && p < ports; b = (b + 1) & mask)
            {
                if (Services.Read(index[b] - 1, v) && v.Name == view.Name && v.Namespace == view.Namespace)
                {
                    view.PortNames[p] = v.PortName;
                    view.PortProtocols[p] = v.Protocol;
                    view.PortNumbers[p] = v.Port;
                    p++;
                }
            }

            return view;
        }

        // The same hash as Hash over wire labels, from the name and namespace as text: each
        // label's length, then its characters lower-cased (non-ASCII as '?', as LabelIs reads them).
        private static int HashText(string name, string ns)
        {
            uint h = 2166136261;
            h = (h ^ (uint)name.Length) * 16777619;
            for (int i = 0; i < name.Length; i++)
            {
                int c = name[i];
                h = (h ^ (uint)(c >= 128 ? '?' : c >= 'A' && c <= 'Z' ? c + 32 : c)) * 16777619;
            }

            h = (h ^ (uint)ns.Length) * 16777619;
            for (int i = 0; i < ns.Length; i++)
            {
                int c = ns[i];
                h = (h ^ (uint)(c >= 128 ? '?' : c >= 'A' && c <= 'Z' ? c + 32 : c)) * 16777619;
            }

            return (int)(h & 0x7FFFFFFF);
        }

        internal static bool SameLabel(byte[] a, int aLabel, byte[] b, int bLabel)
        {
            int length = a[aLabel];
            return length == b[bLabel] && DnsName.LabelEquals(a, aLabel + 1, b, bLabel + 1, length);
        }

        /// <summary>Whether the label is "_" and the port's name (an SRV query's service label); unnamed ports have none.</summary>
        internal static bool LabelIsPortName(byte[] name, int label, string portName)
        {
            int length = name[label];
            if (portName == null || portName.Length == 0 || length != portName.Length + 1 || name[label + 1] != (byte)'_')
            {
                return false;
            }

            for (int i = 0; i < portName.Length; i++)
            {
                int c = portName[i];
                c = c >= 128 ? '?' : c >= 'A' && c <= 'Z' ? c + 32 : c;
                int n = name[label + 2 + i];
                if ((n >= 'A' && n <= 'Z' ? n + 32 : n) != c)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Writes the service's name in wire form (service.namespace.svc.zone) into
        /// <paramref name="into"/> and returns its length, 0 when it does not fit.
        /// </summary>
        public int WriteFqdn(DnsService s, byte[] into)
        {
            int at = WriteLabel(into, 0, s.Name);
            at = at > 0 ? WriteLabel(into, at, s.Namespace) : 0;
            at = at > 0 ? WriteLabel(into, at, "svc") : 0;
            if (at == 0 || at + Zone.Length > into.Length)
            {
                return 0;
            }

            System.Array.Copy(Zone, 0, into, at, Zone.Length);
            return at + Zone.Length;
        }

        private static int WriteLabel(byte[] into, int at, string text)
        {
            if (text.Length == 0 || text.Length > 63 || at + 1 + text.Length > into.Length)
            {
                return 0;
            }

            into[at] = (byte)text.Length;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                into[at + 1 + i] = DnsName.Lower((byte)(c < 128 ? c : '?'));
            }

            return at + 1 + text.Length;
        }

        internal static bool LabelIs(byte[] name, int label, string text)
        {
            int length = name[label];
            if (length != text.Length)
            {
                return false;
            }

            // name is a parsed question's: already lower case. The text is lowered here, inline.
            for (int i = 0; i < length; i++)
            {
                int c = text[i];
                if (name[label + 1 + i] != (c >= 128 ? '?' : c >= 'A' && c <= 'Z' ? c + 32 : c))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>"10-244-1-5": the hostname CoreDNS derives from an endpoint address.</summary>
        public static string Dashed(uint address)
        {
            return (address >> 24).ToString() + "-" + ((address >> 16) & 0xFF).ToString() + "-" + ((address >> 8) & 0xFF).ToString() + "-" + (address & 0xFF).ToString();
        }

        private static byte[] Label(string text)
        {
            byte[] wire = DnsName.FromText(text);
            return wire == null || wire.Length < 2 ? new byte[] { 0 } : wire;
        }

        private static int CountLabels(byte[] wire)
        {
            int n = 0;
            for (int at = 0; wire[at] != 0; at += wire[at] + 1)
            {
                n++;
            }

            return n;
        }

        private static int Hash(byte[] a, int aLabel, byte[] b, int bLabel)
        {
            uint h = 2166136261;
            for (int i = aLabel; i <= aLabel + a[aLabel]; i++)
            {
                int c = a[i];
                h = (h ^ (uint)(c >= 'A' && c <= 'Z' ? c + 32 : c)) * 16777619;
            }

            for (int i = bLabel; i <= bLabel + b[bLabel]; i++)
            {
                int c = b[i];
                h = (h ^ (uint)(c >= 'A' && c <= 'Z' ? c + 32 : c)) * 16777619;
            }

            return (int)(h & 0x7FFFFFFF);
        }
    }
}
