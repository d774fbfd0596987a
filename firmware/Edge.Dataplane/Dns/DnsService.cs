namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// What DNS needs of one Service (a slim copy of the API objects, as CoreDNS keeps): its
    /// name, ClusterIP (0 for headless), ExternalName, named ports, and for headless services
    /// its endpoints with their hostnames, readiness and per-port numbers.
    /// </summary>
    public sealed class DnsService
    {
        public string Namespace = "default";
        public string Name = "";

        /// <summary>0 for a headless service.</summary>
        public uint ClusterIp;

        /// <summary>For type ExternalName: the DNS name the service aliases ("db.example.com"); else null.</summary>
        public string ExternalName;

        /// <summary>Named service ports (unnamed ports get no SRV record), protocol (IpProtocol) and number.</summary>
        public string[] PortNames = Empty.Strings;
        public byte[] PortProtocols = Empty.Bytes;
        public ushort[] PortNumbers = Empty.UShorts;

        /// <summary>Headless endpoints: address, hostname (null: derived from the address), readiness.</summary>
        public uint[] EndpointAddresses = Empty.UInts;
        public string[] EndpointHostnames = Empty.Strings;
        public bool[] EndpointReady = Empty.Bools;

        /// <summary>Endpoint port for [endpoint * PortNames.Length + port] (headless SRV records).</summary>
        public ushort[] EndpointPorts = Empty.UShorts;

        // Built by the zone when the service is set.
        internal byte[] Fqdn;
        internal byte[] ExternalWire;
        internal byte[][] PortLabels;      // "_http" as a wire label
        internal byte[][] EndpointFqdns;   // "<host>.<svc>.<ns>.svc.<zone>"
        internal int NameHash;

        public bool Headless
        {
            get { return ClusterIp == 0 && ExternalName == null; }
        }
    }
}
