using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// One service port as a node serves it: the virtual IP and port, the policies that shape
    /// endpoint choice, and the endpoints the control plane resolved (addresses and target
    /// ports, with their conditions). The host compiles this from Service + EndpointSlices;
    /// the board only looks it up. Names are kept for the teaching views.
    /// </summary>
    public sealed class Service
    {
        public string Namespace = "default";
        public string Name = "";

        /// <summary>The service port's name ("" for an unnamed single port).</summary>
        public string PortName = "";

        public int Type = ServiceType.ClusterIP;

        /// <summary>0 for a headless service (DNS only, nothing to proxy).</summary>
        public uint ClusterIp;

        public ushort Port;
        public byte Protocol = IpProtocol.Tcp;

        /// <summary>For NodePort and LoadBalancer services, 30000-32767; 0 otherwise.</summary>
        public ushort NodePort;

        public bool ClientIpAffinity;
        public int AffinityTimeoutSeconds = 10800;
        public bool InternalTrafficLocal;
        public bool ExternalTrafficLocal;

        public uint[] EndpointAddresses = Empty.UInts;
        public ushort[] EndpointPorts = Empty.UShorts;
        public byte[] EndpointFlagBits = Empty.Bytes;

        /// <summary>Pod names of the endpoints, for views ("web-7d4b9c-x2x9z").</summary>
        public string[] EndpointNames = Empty.Strings;

        /// <summary>New connections per endpoint (the ipvs view's ActiveConn-like spread).</summary>
        public long[] EndpointConnections = Empty.Longs;

        public long Connections;
        public long Packets;
        public long Bytes;

        /// <summary>Connections refused because no endpoint could take them (REJECT in kube-proxy).</summary>
        public long Rejected;

        /// <summary>Where the service table keeps it (conntrack entries refer to it).</summary>
        public int Slot { get; internal set; } = -1;
        internal int RoundRobinNext;

        public int EndpointCount
        {
            get { return EndpointAddresses.Length; }
        }

        /// <summary>"default/web:http" (or "default/web" for an unnamed port): kube-proxy's service-port name.</summary>
        public string PortKey
        {
            get { return Namespace + "/" + Name + (PortName.Length > 0 ? ":" + PortName : ""); }
        }

        /// <summary>Replaces the endpoints (a delta from the host); counters start over.</summary>
        public void SetEndpoints(uint[] addresses, ushort[] ports, byte[] flags, string[] names)
        {
            int n = addresses.Length;
            EndpointAddresses = addresses;
            EndpointPorts = ports;
            EndpointFlagBits = flags;
            EndpointNames = names ?? (n == 0 ? Empty.Strings : new string[n]);
            EndpointConnections = n == 0 ? Empty.Longs : new long[n];
            RoundRobinNext = 0;
        }

        public int IndexOfEndpoint(uint address, ushort port)
        {
            for (int i = 0; i < EndpointAddresses.Length; i++)
            {
                if (EndpointAddresses[i] == address && EndpointPorts[i] == port)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
