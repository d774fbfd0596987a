using Edge.Dataplane.Dns;
using Edge.Dataplane.Proxy;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// When a snapshot brings an entry the board already holds, unchanged, the board keeps the
    /// one it has and lets the decoded copy go at once. A resync then costs a small board one
    /// entry at a time instead of a second copy of its whole state, and what the entries count
    /// (connections, packets, bytes) goes on rather than starting over.
    /// </summary>
    public static class StateReuse
    {
        /// <summary>The held service equal to <paramref name="decoded"/> in everything the host sends, or the decoded one.</summary>
        public static Service Service(DesiredState held, Service decoded)
        {
            if (held == null)
            {
                return decoded;
            }

            for (int i = 0; i < held.Services.Length; i++)
            {
                Service h = held.Services[i];
                if (h.Name == decoded.Name && h.Namespace == decoded.Namespace && h.PortName == decoded.PortName)
                {
                    return Same(h, decoded) ? h : decoded;
                }
            }

            return decoded;
        }

        public static DnsService Dns(DesiredState held, DnsService decoded)
        {
            if (held == null)
            {
                return decoded;
            }

            for (int i = 0; i < held.DnsServices.Length; i++)
            {
                DnsService h = held.DnsServices[i];
                if (h.Name == decoded.Name && h.Namespace == decoded.Namespace)
                {
                    return Same(h, decoded) ? h : decoded;
                }
            }

            return decoded;
        }

        public static PodSpec Pod(DesiredState held, PodSpec decoded)
        {
            if (held == null)
            {
                return decoded;
            }

            for (int i = 0; i < held.Pods.Length; i++)
            {
                PodSpec h = held.Pods[i];
                if (h.Name == decoded.Name && h.Namespace == decoded.Namespace)
                {
                    return PodCodec.Same(h, decoded) ? h : decoded;
                }
            }

            return decoded;
        }

        /// <summary>
        /// Where the held state has a string with the decoded text (a namespace, a pod or service
        /// name, a UID, an image), or -1 when the board holds no such text; positions number the
        /// held strings as HeldStrings says (<see cref="StringRefs"/> packs them). A snapshot's
        /// string table lists the strings in the order the state holds them (<see cref="StateCodec"/>'s
        /// Collect), so the search starts where the last one was found (<paramref name="cursor"/>,
        /// 0 at first): a state like the held one costs a step or two a string, not a scan.
        /// </summary>
        public static int Position(DesiredState held, string decoded, ref int cursor)
        {
            if (held == null || decoded == null)
            {
                return -1;
            }

            int count = HeldStrings(held);
            for (int step = 0; step < count; step++)
            {
                int k = (cursor + step) % count;
                if (HeldString(held, k) == decoded)
                {
                    cursor = k + 1;
                    return k;
                }
            }

            return -1;
        }

        // The held state's strings, numbered as Collect visits them, less the DNS entries' (which
        // the decode replaces as it goes, with other ports and hostnames): the cluster domain,
        // peer names, each pod's four, each service's three (a service is only replaced by one
        // of the same names), the cluster's pod namespaces, each ingress route's four (host, path,
        // backend namespace and name). None of these change while a state is decoded, so a
        // position stands for the same string until the decode ends.
        private static int HeldStrings(DesiredState h)
        {
            return 1 + h.Peers.Length + 4 * h.Pods.Length + 3 * h.Services.Length + h.ClusterPodNamespaces.Length + 4 * RouteCount(h);
        }

        /// <summary>The held state's ingress routes (0 for none).</summary>
        internal static int RouteCount(DesiredState h)
        {
            return h.Ingress == null ? 0 : h.Ingress.Count;
        }

        /// <summary>A route's strings as numbered: host, path, backend namespace, backend name.</summary>
        internal static string RouteString(DesiredState h, int route, int which)
        {
            switch (which)
            {
                case 0: return h.Ingress.Hosts[route];
                case 1: return h.Ingress.Paths[route];
                case 2: return h.Ingress.Namespaces[route];
                default: return h.Ingress.ServiceNames[route];
            }
        }

        private static string HeldString(DesiredState h, int k)
        {
            if (k == 0)
            {
                return h.ClusterDomain;
            }

            k--;
            if (k < h.Peers.Length)
            {
                return h.Peers[k].Name;
            }

            k -= h.Peers.Length;
            if (k < 4 * h.Pods.Length)
            {
                PodSpec p = h.Pods[k >> 2];
                switch (k & 3)
                {
                    case 0: return p.Namespace;
                    case 1: return p.Name;
                    case 2: return p.Uid;
                    default: return p.Image;
                }
            }

            k -= 4 * h.Pods.Length;
            if (k < 3 * h.Services.Length)
            {
                Service v = h.Services[k / 3];
                switch (k % 3)
                {
                    case 0: return v.Namespace;
                    case 1: return v.Name;
                    default: return v.PortName;
                }
            }

            k -= 3 * h.Services.Length;
            if (k < h.ClusterPodNamespaces.Length)
            {
                return h.ClusterPodNamespaces[k];
            }

            k -= h.ClusterPodNamespaces.Length;
            return RouteString(h, k >> 2, k & 3);
        }

        public static PeerSpec Peer(DesiredState held, PeerSpec decoded)
        {
            if (held == null)
            {
                return decoded;
            }

            for (int i = 0; i < held.Peers.Length; i++)
            {
                PeerSpec h = held.Peers[i];
                if (h.Name == decoded.Name)
                {
                    bool same = h.PodNetwork == decoded.PodNetwork && h.PrefixLength == decoded.PrefixLength && h.Address == decoded.Address && h.Port == decoded.Port;
                    return same ? h : decoded;
                }
            }

            return decoded;
        }

        private static bool Same(Service a, Service b)
        {
            return a.Type == b.Type && a.ClusterIp == b.ClusterIp && a.Port == b.Port && a.Protocol == b.Protocol && a.NodePort == b.NodePort
                && a.ClientIpAffinity == b.ClientIpAffinity && a.InternalTrafficLocal == b.InternalTrafficLocal && a.ExternalTrafficLocal == b.ExternalTrafficLocal
                && a.AffinityTimeoutSeconds == b.AffinityTimeoutSeconds
                && SameUInts(a.EndpointAddresses, b.EndpointAddresses) && SameUShorts(a.EndpointPorts, b.EndpointPorts)
                && Ingress.RouteMatcher.SameBytes(a.EndpointFlagBits, b.EndpointFlagBits);
        }

        private static bool Same(DnsService a, DnsService b)
        {
            return a.ClusterIp == b.ClusterIp && a.ExternalName == b.ExternalName
                && SameStrings(a.PortNames, b.PortNames) && Ingress.RouteMatcher.SameBytes(a.PortProtocols, b.PortProtocols) && SameUShorts(a.PortNumbers, b.PortNumbers)
                && SameUInts(a.EndpointAddresses, b.EndpointAddresses) && SameStrings(a.EndpointHostnames, b.EndpointHostnames)
                && SameBools(a.EndpointReady, b.EndpointReady) && SameUShorts(a.EndpointPorts, b.EndpointPorts);
        }

        // No generics on nanoFramework 1.x: one comparer per element type.
        internal static bool SameUInts(uint[] a, uint[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        internal static bool SameUShorts(ushort[] a, ushort[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        internal static bool SameBools(bool[] a, bool[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        internal static bool SameStrings(string[] a, string[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (!Ingress.RouteMatcher.SameString(a[i], b[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
