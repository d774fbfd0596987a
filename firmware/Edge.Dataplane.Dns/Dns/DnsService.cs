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
        public string ExternalName
        {
            get { return _rare == null ? null : _rare.ExternalName; }
            set
            {
                if (value != null || _rare != null)
                {
                    Rare().ExternalName = value;
                }
            }
        }

        /// <summary>Named service ports (unnamed ports get no SRV record), protocol (IpProtocol) and number.</summary>
        public string[] PortNames = Empty.Strings;
        public byte[] PortProtocols = Empty.Bytes;
        public ushort[] PortNumbers = Empty.UShorts;

        /// <summary>Headless endpoints: address, hostname (null: derived from the address), readiness.</summary>
        public uint[] EndpointAddresses
        {
            get { return _rare == null ? Empty.UInts : _rare.EndpointAddresses; }
            set
            {
                if ((value != null && value.Length > 0) || _rare != null)
                {
                    Rare().EndpointAddresses = value ?? Empty.UInts;
                }
            }
        }

        public string[] EndpointHostnames
        {
            get { return _rare == null ? Empty.Strings : _rare.EndpointHostnames; }
            set
            {
                if ((value != null && value.Length > 0) || _rare != null)
                {
                    Rare().EndpointHostnames = value ?? Empty.Strings;
                }
            }
        }

        public bool[] EndpointReady
        {
            get { return _rare == null ? Empty.Bools : _rare.EndpointReady; }
            set
            {
                if ((value != null && value.Length > 0) || _rare != null)
                {
                    Rare().EndpointReady = value ?? Empty.Bools;
                }
            }
        }

        /// <summary>Endpoint port for [endpoint * PortNames.Length + port] (headless SRV records).</summary>
        public ushort[] EndpointPorts
        {
            get { return _rare == null ? Empty.UShorts : _rare.EndpointPorts; }
            set
            {
                if ((value != null && value.Length > 0) || _rare != null)
                {
                    Rare().EndpointPorts = value ?? Empty.UShorts;
                }
            }
        }

        // Built by the zone when the service is set.
        internal int NameHash;

        internal byte[] ExternalWire
        {
            get { return _rare == null ? null : _rare.ExternalWire; }
            set
            {
                if (value != null || _rare != null)
                {
                    Rare().ExternalWire = value;
                }
            }
        }

        /// <summary>"&lt;host&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;zone&gt;" per headless endpoint.</summary>
        internal byte[][] EndpointFqdns
        {
            get { return _rare == null ? Empty.ByteArrays : _rare.EndpointFqdns; }
            set
            {
                if ((value != null && value.Length > 0) || _rare != null)
                {
                    Rare().EndpointFqdns = value ?? Empty.ByteArrays;
                }
            }
        }

        // What only headless and ExternalName services have, in an object of its own that most
        // services never allocate (on nanoFramework each field costs 12 bytes of heap).
        private sealed class RareParts
        {
            public string ExternalName;
            public byte[] ExternalWire;
            public uint[] EndpointAddresses = Empty.UInts;
            public string[] EndpointHostnames = Empty.Strings;
            public bool[] EndpointReady = Empty.Bools;
            public ushort[] EndpointPorts = Empty.UShorts;
            public byte[][] EndpointFqdns = Empty.ByteArrays;
        }

        private RareParts _rare;

        private RareParts Rare()
        {
            if (_rare == null)
            {
                _rare = new RareParts();
            }

            return _rare;
        }

        public bool Headless
        {
            get { return ClusterIp == 0 && ExternalName == null; }
        }
    }
}
