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
                    bool same = h.Uid == decoded.Uid && h.Address == decoded.Address && h.Image == decoded.Image;
                    return same ? h : decoded;
                }
            }

            return decoded;
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
                && SameBytes(a.EndpointFlagBits, b.EndpointFlagBits);
        }

        private static bool Same(DnsService a, DnsService b)
        {
            return a.ClusterIp == b.ClusterIp && a.ExternalName == b.ExternalName
                && SameStrings(a.PortNames, b.PortNames) && SameBytes(a.PortProtocols, b.PortProtocols) && SameUShorts(a.PortNumbers, b.PortNumbers)
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

        internal static bool SameBytes(byte[] a, byte[] b)
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
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
