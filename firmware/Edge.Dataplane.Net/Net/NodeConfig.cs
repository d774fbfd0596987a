using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// A node's identity, addressing and fixed capacities. Capacities are chosen at boot and
    /// never grow: what does not fit is refused and counted. The defaults suit the virtual lab
    /// and PSRAM boards (about 110 KiB before pods, most of it packet buffers); board profiles
    /// for ~90 KB WROOM boards set smaller ones.
    /// </summary>
    public sealed class NodeConfig
    {
        public string Name = "node";

        /// <summary>The board's own address: where other boards send VXLAN.</summary>
        public uint Address;

        public ushort VxlanPort = VxlanHeader.IanaPort;
        public uint Vni = 1;

        /// <summary>This node's pod CIDR, e.g. 10.244.1.0/24: .0 is the VTEP, .1 the gateway, pods from .2.</summary>
        public uint PodNetwork;
        public int PodPrefixLength = 24;

        /// <summary>The cluster's pod CIDR (all nodes): sources outside it are masqueraded when they reach a service.</summary>
        public uint ClusterNetwork = 0x0AF40000; // 10.244.0.0
        public int ClusterPrefixLength = 16;

        /// <summary>The Service CIDR: virtual IPs, never routed to the outside.</summary>
        public uint ServiceNetwork = 0x0A600000; // 10.96.0.0
        public int ServicePrefixLength = 16;

        /// <summary>
        /// Whether pods may open TCP connections to addresses outside the cluster, through the
        /// board's own TCP (the node's address as the source: SNAT). Off: they get ICMP
        /// "administratively prohibited" (no route to host).
        /// </summary>
        public bool AllowEgress;

        /// <summary>The cluster DNS service IP every node answers locally (node-local DNS).</summary>
        public uint DnsAddress = 0x0A60000A; // 10.96.0.10

        public string ClusterDomain = "cluster.local";
        public int DnsTtl = 5;

        /// <summary>Where names outside the cluster domain go (an address on the lab LAN); 0: REFUSED.</summary>
        public uint DnsUpstream;

        /// <summary>kube-proxy mode for endpoint choice, one of the proxy's ProxyMode values (0: random, as iptables mode).</summary>
        public int ProxyMode;

        public int MaxServices = 32;
        public int ConntrackEntries = 256;

        /// <summary>
        /// NetworkPolicy limits: policies selecting this node's pods, their rules, the addresses
        /// their peers and selected pods resolve to, and their port ranges. A state needing more
        /// is refused with the limit named; the policies already enforced stay.
        /// </summary>
        public int MaxPolicies = 64;
        public int MaxPolicyRules = 256;
        public int MaxPolicyAddresses = 1024;
        public int MaxPolicyPorts = 256;

        /// <summary>Connections of policy-isolated pods remembered as allowed (the least recently seen gives way).</summary>
        public int PolicyConnections = 256;

        /// <summary>
        /// Ingress: the ports it serves HTTP and HTTPS on (the board's own address; HTTPS only where
        /// the platform terminates TLS), the clients it serves at
        /// once (more wait in the platform's listen backlog; each holds up to two packet buffers
        /// while it is served), and the routes it holds (a state with more is refused, naming the limit).
        /// </summary>
        public ushort IngressPort = 80;
        public ushort IngressTlsPort = 443;
        public int IngressConnections = 8;
        public int MaxIngressRoutes = 64;

        /// <summary>Flow events the board keeps (FlowLog: `edgectl flows`), the oldest overwritten; 0 keeps none.</summary>
        public int FlowEvents = 256;

        /// <summary>Per-flow packet and byte counters (Linux's nf_conntrack_acct); off on small boards.</summary>
        public bool ConntrackAccounting = true;

        /// <summary>Bytes of the node's journal of pod output (all pods share it), made on the first line.</summary>
        public int LogBytes = 4096;
        public int AffinityEntries = 64;
        public int DnsPods = 64;
        public int DnsPendingForwards = 16;

        /// <summary>DNS clients served over TCP on the board's own address at once; each gets its query buffer when it connects.</summary>
        public int DnsTcpClients = 4;

        /// <summary>The largest DNS answer sent over TCP (the buffer is made on the first TCP query).</summary>
        public int DnsTcpAnswerBytes = 16384;

        public int MaxPods = 8;

        /// <summary>Containers across the board's pods, and the probes they have: what its memory class holds (the Node's edge.dev/containers and edge.dev/probes).</summary>
        public int MaxContainers = 64;
        public int MaxProbes = 64;

        /// <summary>
        /// The memory the board offers pods (the Node's allocatable memory), and what one pod's
        /// sandbox and first container hold of it at the most, each container beside it and each
        /// probe: what is left of the first beside the pods is what their programs may ask for
        /// together (a stress container's blocks) before the board's OOM killer ends the one
        /// asking (MemoryClass sets them, measured on nanoCLR).
        /// </summary>
        public int PodMemory = 1536 * 1024;
        public int PodBytes = 2560;
        public int ContainerBytes = 160;
        public int ProbeBytes = 104;
        public int MaxSocketsPerPod = 8;
        /// <summary>Neighbours a pod's ARP cache holds (the least recently used goes first).</summary>
        public int ArpEntries = 32;

        /// <summary>The gateway's ARP cache: every local pod and one more, however small a pod's is.</summary>
        public int GatewayArpEntries
        {
            get { return ArpEntries > MaxPods + 1 ? ArpEntries : MaxPods + 1; }
        }
        public int MacEntries = 32;
        public int Routes = 16;
        public int PacketBuffers = 48;
        public int BridgeQueue = 48;
        public int PendingArpPackets = 4;
        public int UdpReceiveBuffer = 2048;
        public int TcpSendBuffer = 4096;
        public int TcpReceiveBuffer = 4096;
        public int TcpBacklog = 4;
        public int MaxTimeWait = 8;

        /// <summary>How long a closed connection lingers in TIME-WAIT: 2 x MSL with an MSL of 2 s (Linux waits 60 s; a board cannot spare the sockets).</summary>
        public int TimeWaitMs = 4000;

        /// <summary>Frames handled per poll before yielding, so one busy source cannot starve the rest.</summary>
        public int PollBudget = 64;

        public uint GatewayAddress
        {
            get { return PodNetwork + 1; }
        }

        public uint VtepAddress
        {
            get { return PodNetwork; }
        }

        /// <summary>02:42 followed by the IPv4 address, as Docker derives container MACs: 10.244.1.5 is 02:42:0a:f4:01:05.</summary>
        public static ulong PodMacFor(uint address)
        {
            return 0x024200000000UL | address;
        }

        /// <summary>
        /// A node's VTEP MAC, 02:ed followed by its pod network address (10.244.2.0 gives
        /// 02:ed:0a:f4:02:00): any node, or a Linux host, can compute a peer's VTEP MAC from the
        /// peer's pod CIDR, so routes need no MAC exchange.
        /// </summary>
        public static ulong VtepMacFor(uint podNetwork)
        {
            return 0x02ED00000000UL | podNetwork;
        }
    }
}
