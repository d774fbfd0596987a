using Edge.Dataplane.Dns;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Trust;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// The binary form of a <see cref="DesiredState"/> (a Snapshot payload): the string table,
    /// then the sections in a fixed order, numbers as varints, addresses as four bytes. Decode
    /// checks every count against the bytes left, so a damaged snapshot is refused whole.
    /// </summary>
    public static class StateCodec
    {
        public const int FormatVersion = 10; // 10: a container carries its memory limit and cpu request and limit; 9: a pod carries its containers, each with its probes; 8: every Snapshot and Delta payload is a part of its state (StatePart), the state's body cut between the units StateDecoder reads; 7: a pod carries its container's args and environment; 6: the TLS section says whether its keys are encrypted under the session key, routes carry their regex patterns and rewrite targets; 5: TLS certificates after the ingress routes, a route's ssl-redirect; 4: ingress routes after the policies; 3: network policies after the cluster's pods; 2: endpoints without pod names

        /// <summary>
        /// The state. With <paramref name="keys"/>, the established session of the line it is sent
        /// on, the TLS private keys go encrypted under its key (nonces from <paramref name="random"/>;
        /// <see cref="TlsCodec"/>); without (the USB console, or a state encoded to compare or
        /// count) as they are.
        /// </summary>
        public static void Encode(DesiredState s, PayloadWriter w, SessionAuth keys = null, IRandomSource random = null)
        {
            var strings = new StringTable();
            Collect(s, strings);
            int collected = strings.Count;
            w.Int(FormatVersion);
            w.Varint(s.Generation);
            w.Int(strings.Count);
            for (int i = 0; i < strings.Count; i++)
            {
                w.String(strings[i]);
            }

            w.Address(s.PodNetwork);
            w.Int(s.PodPrefixLength);
            w.Address(s.ClusterNetwork);
            w.Int(s.ClusterPrefixLength);
            w.Address(s.ServiceNetwork);
            w.Int(s.ServicePrefixLength);
            w.Address(s.DnsAddress);
            w.Int(strings.Index(s.ClusterDomain));
            w.Address(s.DnsUpstream);
            w.Int(s.ProxyMode);
            w.Bool(s.AllowEgress);

            w.Int(s.Peers.Length);
            for (int i = 0; i < s.Peers.Length; i++)
            {
                PeerSpec p = s.Peers[i];
                w.Int(strings.Index(p.Name));
                w.Address(p.PodNetwork);
                w.Int(p.PrefixLength);
                w.Address(p.Address);
                w.Int(p.Port);
            }

            w.Int(s.Pods.Length);
            for (int i = 0; i < s.Pods.Length; i++)
            {
                PodCodec.Write(w, strings, s.Pods[i]);
            }

            w.Int(s.Services.Length);
            for (int i = 0; i < s.Services.Length; i++)
            {
                Service v = s.Services[i];
                w.Int(strings.Index(v.Namespace));
                w.Int(strings.Index(v.Name));
                w.Int(strings.Index(v.PortName));
                w.Int(v.Type);
                w.Address(v.ClusterIp);
                w.Int(v.Port);
                w.Byte(v.Protocol);
                w.Int(v.NodePort);
                w.Byte((v.ClientIpAffinity ? 1 : 0) | (v.InternalTrafficLocal ? 2 : 0) | (v.ExternalTrafficLocal ? 4 : 0));
                w.Int(v.AffinityTimeoutSeconds);
                w.Int(v.EndpointCount);
                for (int e = 0; e < v.EndpointCount; e++)
                {
                    w.Address(v.EndpointAddresses[e]);
                    w.Int(v.EndpointPorts[e]);
                    w.Byte(v.EndpointFlagBits[e]);
                }
            }

            w.Int(s.DnsServices.Length);
            for (int i = 0; i < s.DnsServices.Length; i++)
            {
                DnsService d = s.DnsServices[i];
                w.Int(strings.Index(d.Namespace));
                w.Int(strings.Index(d.Name));
                w.Address(d.ClusterIp);
                w.Int(strings.Index(d.ExternalName));
                w.Int(d.PortNames.Length);
                for (int p = 0; p < d.PortNames.Length; p++)
                {
                    w.Int(strings.Index(d.PortNames[p]));
                    w.Byte(d.PortProtocols[p]);
                    w.Int(d.PortNumbers[p]);
                }

                w.Int(d.EndpointAddresses.Length);
                for (int e = 0; e < d.EndpointAddresses.Length; e++)
                {
                    w.Address(d.EndpointAddresses[e]);
                    w.Int(strings.Index(e < d.EndpointHostnames.Length ? d.EndpointHostnames[e] : null));
                    w.Bool(d.EndpointReady[e]);
                    for (int p = 0; p < d.PortNames.Length; p++)
                    {
                        int at = e * d.PortNames.Length + p;
                        w.Int(at < d.EndpointPorts.Length ? d.EndpointPorts[at] : d.PortNumbers[p]);
                    }
                }
            }

            w.Int(s.ClusterPodAddresses.Length);
            for (int i = 0; i < s.ClusterPodAddresses.Length; i++)
            {
                w.Address(s.ClusterPodAddresses[i]);
                w.Int(strings.Index(s.ClusterPodNamespaces[i]));
            }

            PolicyCodec.Encode(s.Policies, s.ClusterNetwork, w);
            IngressCodec.Encode(s.Ingress, strings, w);
            TlsCodec.Encode(s.Tls, strings, w, keys, random);
            if (strings.Count != collected)
            {
                w.Overflow = true; // a string Collect missed: refuse rather than send a wrong table
            }
        }

        /// <summary>The state, or null when the payload is damaged or of another format version.</summary>
        public static DesiredState Decode(PayloadReader r)
        {
            return Decode(r, null, null, null);
        }

        /// <summary>
        /// The state, keeping the entries of <paramref name="held"/> (the state the board runs) that
        /// arrive unchanged instead of their decoded copies (<see cref="StateReuse"/>); null when
        /// the payload is damaged or of another format version. Services and DNS entries go to
        /// <paramref name="sink"/> (when given) as they arrive. <paramref name="keys"/> is the
        /// established session of the line the state came on (null: none), which decrypts the TLS
        /// keys in place. The whole payload at once: a board takes a state in parts, decoded a
        /// unit at a time by the same <see cref="StateDecoder"/> (<see cref="StateReceiver"/>).
        /// </summary>
        public static DesiredState Decode(PayloadReader r, DesiredState held, IStateSink sink, SessionAuth keys = null)
        {
            var decoder = new StateDecoder(false, held, sink, keys);
            decoder.Read(r);
            return decoder.Done && r.AtEnd ? decoder.State : null;
        }

        /// <summary>
        /// The head of the state: its format version (refused unless this one), its generation,
        /// and the string table's count (its strings follow one at a time, <see cref="StringRefs.ReadAt"/>).
        /// </summary>
        internal static StringRefs DecodeHead(PayloadReader r, DesiredState held, DesiredState s)
        {
            if (r.Int() != FormatVersion)
            {
                r.Failed = true;
                return null;
            }

            s.Generation = r.Varint();
            return StringRefs.Begin(r, held);
        }

        // The held state's arrays are kept while what arrives is what they hold (a resync,
        // a state that changed elsewhere): a second copy of each costs a small board its
        // size during the decode. The first entry that differs gives the decoded state an
        // array of its own: the decode never writes into the held state. (Services and DNS
        // entries go to the sink first: the board's puts each in place of its predecessor in
        // the held array itself, NodeAgent.ServiceArrived, so that array stays shared.)

        // An array of the decoded state's own in place of the held one it shared: the first
        // entries (the same) copied.
        private static System.Array Own(System.Array shared, System.Array own, int entries)
        {
            System.Array.Copy(shared, own, entries);
            return own;
        }

        // The sections each in a method of their own: on nanoCLR a method's frame holds a slot
        // for every local it has, for as long as it runs, and Decode's runs under every sink call.
        internal static void DecodeSettings(PayloadReader r, StringRefs strings, DesiredState s)
        {
            s.PodNetwork = r.Address();
            s.PodPrefixLength = r.Int();
            s.ClusterNetwork = r.Address();
            s.ClusterPrefixLength = r.Int();
            s.ServiceNetwork = r.Address();
            s.ServicePrefixLength = r.Int();
            s.DnsAddress = r.Address();
            s.ClusterDomain = Required(strings, r);
            s.DnsUpstream = r.Address();
            s.ProxyMode = r.Int();
            s.AllowEgress = r.Bool();
        }

        internal static void DecodePeersAndPods(PayloadReader r, DesiredState held, StringRefs strings, DesiredState s)
        {
            int count = r.Count(10);
            PeerSpec[] peers = held != null && held.Peers.Length == count ? held.Peers : new PeerSpec[count];
            for (int i = 0; i < count && !r.Failed; i++)
            {
                var p = new PeerSpec();
                p.Name = Required(strings, r);
                p.PodNetwork = r.Address();
                p.PrefixLength = r.Int();
                p.Address = r.Address();
                p.Port = (ushort)r.Int();
                PeerSpec kept = StateReuse.Peer(held, p);
                if (peers[i] != kept && held != null && peers == held.Peers)
                {
                    peers = (PeerSpec[])Own(peers, new PeerSpec[count], i);
                }

                peers[i] = kept;
            }

            s.Peers = peers;
            count = r.Count(8);
            PodSpec[] pods = held != null && held.Pods.Length == count ? held.Pods : new PodSpec[count];
            for (int i = 0; i < count && !r.Failed; i++)
            {
                PodSpec kept = StateReuse.Pod(held, PodCodec.Read(r, strings));
                if (pods[i] != kept && held != null && pods == held.Pods)
                {
                    pods = (PodSpec[])Own(pods, new PodSpec[count], i);
                }

                pods[i] = kept;
            }

            s.Pods = pods;
        }

        internal static void DecodeClusterPods(PayloadReader r, DesiredState held, StringRefs strings, DesiredState s)
        {
            int count = r.Count(5);
            uint[] addresses = held != null && held.ClusterPodAddresses.Length == count ? held.ClusterPodAddresses : Empty.OrNewUInts(count);
            string[] namespaces = held != null && held.ClusterPodNamespaces.Length == count ? held.ClusterPodNamespaces : Empty.OrNewStrings(count);
            for (int i = 0; i < count && !r.Failed; i++)
            {
                uint address = r.Address();
                string ns = Required(strings, r);
                if (held != null && (addresses == held.ClusterPodAddresses || namespaces == held.ClusterPodNamespaces) && (addresses[i] != address || namespaces[i] != ns))
                {
                    uint[] ownAddresses = new uint[count];
                    System.Array.Copy(addresses, ownAddresses, i);
                    addresses = ownAddresses;
                    namespaces = (string[])Own(namespaces, new string[count], i);
                }

                addresses[i] = address;
                namespaces[i] = ns;
            }

            s.ClusterPodAddresses = addresses;
            s.ClusterPodNamespaces = namespaces;
        }

        /// <summary>The services' count: their array (the held one while the entries are the same), each service then one unit.</summary>
        internal static void DecodeServiceCount(PayloadReader r, DesiredState held, DesiredState s)
        {
            int count = r.Count(12);
            s.Services = held != null && held.Services.Length == count ? held.Services : new Service[count];
        }

        /// <summary>
        /// The service at <paramref name="i"/> decoded: the held one when it arrives unchanged. The
        /// caller hands it to the sink, then places it (<see cref="PlaceService"/>): by then the
        /// decoded copy of a held service is let go, and this method's frame with it.
        /// </summary>
        internal static Service DecodeServiceAt(PayloadReader r, DesiredState held, StringRefs strings, DesiredState s, int i)
        {
            return StateReuse.Service(held, DecodeService(r, strings, s.Services, i));
        }

        /// <summary>Puts a decoded service in its place in the state, in an array of the state's own from the first that differs from the held one.</summary>
        internal static void PlaceService(DesiredState held, DesiredState s, int i, Service kept)
        {
            if (held != null && s.Services == held.Services && s.Services[i] != kept)
            {
                s.Services = (Service[])Own(s.Services, new Service[s.Services.Length], i);
            }

            s.Services[i] = kept;
        }

        private static Service DecodeService(PayloadReader r, StringRefs strings, Service[] services, int i)
        {
            var v = new Service();
            v.Namespace = Required(strings, r);
            v.Name = Required(strings, r);
            v.PortName = Ref(strings, r) ?? "";
            v.Type = r.Int();
            v.ClusterIp = r.Address();
            v.Port = (ushort)r.Int();
            v.Protocol = (byte)r.Byte();
            v.NodePort = (ushort)r.Int();
            int flags = r.Byte();
            v.ClientIpAffinity = (flags & 1) != 0;
            v.InternalTrafficLocal = (flags & 2) != 0;
            v.ExternalTrafficLocal = (flags & 4) != 0;
            v.AffinityTimeoutSeconds = r.Int();
            int n = r.Count(6);
            uint[] addresses = Empty.OrNewUInts(n);
            ushort[] ports = Empty.OrNewUShorts(n);
            byte[] endpointFlags = Empty.OrNewBytes(n);
            for (int e = 0; e < n && !r.Failed; e++)
            {
                addresses[e] = r.Address();
                ports[e] = (ushort)r.Int();
                endpointFlags[e] = (byte)r.Byte();
            }

            // Equal small arrays shared with the services decoded before (most services' ports and flags are alike).
            for (int k = 0; k < i; k++)
            {
                if (StateReuse.SameUShorts(services[k].EndpointPorts, ports))
                {
                    ports = services[k].EndpointPorts;
                }

                if (Ingress.RouteMatcher.SameBytes(services[k].EndpointFlagBits, endpointFlags))
                {
                    endpointFlags = services[k].EndpointFlagBits;
                }
            }

            v.SetEndpoints(addresses, ports, endpointFlags);
            return v;
        }

        /// <summary>The DNS entries' count: their array (the held one while the entries are the same), each entry then one unit.</summary>
        internal static void DecodeDnsCount(PayloadReader r, DesiredState held, DesiredState s)
        {
            int count = r.Count(8);
            s.DnsServices = held != null && held.DnsServices.Length == count ? held.DnsServices : new DnsService[count];
        }

        /// <summary>The DNS entry at <paramref name="i"/> decoded: the held one when it arrives unchanged (handed to the sink, then placed, as a service).</summary>
        internal static DnsService DecodeDnsAt(PayloadReader r, DesiredState held, StringRefs strings, DesiredState s, int i)
        {
            DnsService[] entries = s.DnsServices;
            var d = new DnsService();
            d.Namespace = Required(strings, r);
            d.Name = Required(strings, r);
            d.ClusterIp = r.Address();
            d.ExternalName = Ref(strings, r);
            int ports = r.Count(3);
            d.PortNames = Empty.OrNewStrings(ports);
            d.PortProtocols = Empty.OrNewBytes(ports);
            d.PortNumbers = Empty.OrNewUShorts(ports);
            for (int p = 0; p < ports && !r.Failed; p++)
            {
                d.PortNames[p] = Ref(strings, r) ?? "";
                d.PortProtocols[p] = (byte)r.Byte();
                d.PortNumbers[p] = (ushort)r.Int();
            }

            for (int k = 0; k < i; k++)
            {
                DnsService before = entries[k];
                if (StateReuse.SameStrings(before.PortNames, d.PortNames))
                {
                    d.PortNames = before.PortNames;
                }

                if (Ingress.RouteMatcher.SameBytes(before.PortProtocols, d.PortProtocols))
                {
                    d.PortProtocols = before.PortProtocols;
                }

                if (StateReuse.SameUShorts(before.PortNumbers, d.PortNumbers))
                {
                    d.PortNumbers = before.PortNumbers;
                }
            }

            int endpoints = r.Count(6);
            d.EndpointAddresses = Empty.OrNewUInts(endpoints);
            d.EndpointHostnames = Empty.OrNewStrings(endpoints);
            d.EndpointReady = Empty.OrNewBools(endpoints);
            d.EndpointPorts = Empty.OrNewUShorts(endpoints * ports);
            for (int e = 0; e < endpoints && !r.Failed; e++)
            {
                d.EndpointAddresses[e] = r.Address();
                d.EndpointHostnames[e] = Ref(strings, r);
                d.EndpointReady[e] = r.Bool();
                for (int p = 0; p < ports; p++)
                {
                    d.EndpointPorts[e * ports + p] = (ushort)r.Int();
                }
            }

            return StateReuse.Dns(held, d);
        }

        /// <summary>Puts a decoded DNS entry in its place in the state, in an array of the state's own from the first that differs from the held one.</summary>
        internal static void PlaceDns(DesiredState held, DesiredState s, int i, DnsService kept)
        {
            if (held != null && s.DnsServices == held.DnsServices && s.DnsServices[i] != kept)
            {
                s.DnsServices = (DnsService[])Own(s.DnsServices, new DnsService[s.DnsServices.Length], i);
            }

            s.DnsServices[i] = kept;
        }

        // A string the state cannot do without (a name, a namespace): the protocol's null string there
        // is a damaged payload, refused whole, not a null for the tables to trip on.
        internal static string Required(StringRefs strings, PayloadReader r)
        {
            string value = Ref(strings, r);
            if (value == null)
            {
                r.Failed = true;
            }

            return value;
        }

        // A list of strings (a container's args or environment): its count, then each by its index.
        internal static void Strings(PayloadWriter w, StringTable strings, string[] values)
        {
            w.Int(values.Length);
            for (int i = 0; i < values.Length; i++)
            {
                w.Int(strings.Index(values[i]));
            }
        }

        internal static string[] Strings(PayloadReader r, StringRefs strings)
        {
            string[] values = Empty.OrNewStrings(r.Count(1));
            for (int i = 0; i < values.Length && !r.Failed; i++)
            {
                values[i] = Required(strings, r);
            }

            return values;
        }

        internal static string Ref(StringRefs strings, PayloadReader r)
        {
            string value;
            if (!strings.TryGet(r.Int(), out value))
            {
                r.Failed = true;
                return null;
            }

            return value;
        }

        // Every string the sections refer to goes into the table before the table is written.
        private static void Collect(DesiredState s, StringTable t)
        {
            t.Index(s.ClusterDomain);
            for (int i = 0; i < s.Peers.Length; i++)
            {
                t.Index(s.Peers[i].Name);
            }

            for (int i = 0; i < s.Pods.Length; i++)
            {
                PodCodec.Collect(t, s.Pods[i]);
            }

            for (int i = 0; i < s.Services.Length; i++)
            {
                Service v = s.Services[i];
                t.Index(v.Namespace);
                t.Index(v.Name);
                t.Index(v.PortName);
            }

            for (int i = 0; i < s.DnsServices.Length; i++)
            {
                DnsService d = s.DnsServices[i];
                t.Index(d.Namespace);
                t.Index(d.Name);
                t.Index(d.ExternalName);
                for (int p = 0; p < d.PortNames.Length; p++)
                {
                    t.Index(d.PortNames[p]);
                }

                for (int e = 0; e < d.EndpointHostnames.Length; e++)
                {
                    t.Index(d.EndpointHostnames[e]);
                }
            }

            for (int i = 0; i < s.ClusterPodNamespaces.Length; i++)
            {
                t.Index(s.ClusterPodNamespaces[i]);
            }

            IngressCodec.Collect(s.Ingress, t);
            TlsCodec.Collect(s.Tls, t);
        }
    }
}
