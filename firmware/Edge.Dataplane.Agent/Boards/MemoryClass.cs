using Edge.Dataplane.Net;

namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// What a board's managed heap allows, as capacities for its node. Every table in the
    /// dataplane is allocated whole at boot from these numbers, so the class decides the
    /// board's memory use up front (no growth at run time, counted drops when full).
    /// </summary>
    public static class MemoryClass
    {
        /// <summary>ESP32 without PSRAM (WT32-ETH01, Olimex ESP32-POE, LilyGO, wESP32): about 90 KB of managed heap, 64 KB of it for the dataplane.</summary>
        public const int Wroom = 1;

        /// <summary>ESP32 with PSRAM (ESP32-Ethernet-Kit, Olimex ESP32-POE WROVER): megabytes.</summary>
        public const int Wrover = 2;

        /// <summary>STM32F769I-DISCO: 512 KB of SRAM and 16 MB of SDRAM.</summary>
        public const int Large = 3;

        public static string Name(int memoryClass)
        {
            switch (memoryClass)
            {
                case Wroom: return "wroom";
                case Wrover: return "wrover";
                case Large: return "large";
                default: return "unknown";
            }
        }

        /// <summary>Bytes of managed heap the dataplane may use on this class of board.</summary>
        public static int BudgetBytes(int memoryClass)
        {
            switch (memoryClass)
            {
                case Wroom: return 64 * 1024;
                case Wrover: return 1024 * 1024;
                default: return 2 * 1024 * 1024;
            }
        }

        /// <summary>
        /// The largest management frame payload the board takes, and so its frame reader's buffer.
        /// 1,280 bytes on a WROOM board, as many as it sends: a state larger than that (the worst
        /// case's is about 2 KB) crosses in parts the board decodes as they come (StatePart), so
        /// no buffer holds a whole state.
        /// </summary>
        public static int MaxPayload(int memoryClass)
        {
            return memoryClass == Wroom ? 1280 : Mgmt.Frame.MaxPayload;
        }

        /// <summary>
        /// The largest frame payload the board sends: views go in several frames, heartbeats drop
        /// reasons before they would not fit. 1,280 bytes on a WROOM board: a heartbeat for 8 pods
        /// fits with room for their reasons (a pod's uid travels as 8 hex digits, not 36).
        /// </summary>
        public static int MaxOutPayload(int memoryClass)
        {
            return memoryClass == Wroom ? 1280 : Mgmt.Frame.MaxPayload;
        }

        /// <summary>
        /// How many TLS sessions the board terminates at once. mbedTLS (under nanoFramework's
        /// SslStream) takes an input and an output record buffer of 16 KiB plus overhead each,
        /// about 2 x 16.7 KB per session, from the native heap, not the managed one: a WROOM board
        /// has no 33 KB to spare beside lwIP and the Ethernet driver, so none; a WROVER board's
        /// PSRAM holds four; the STM32F769's native heap (in SRAM) two; a virtual board (no
        /// memory class) eight.
        /// </summary>
        public static int TlsSessions(int memoryClass)
        {
            switch (memoryClass)
            {
                case Wroom: return 0;
                case Wrover: return 4;
                case Large: return 2;
                default: return 8;
            }
        }

        /// <summary>
        /// The memory the board offers pods (its Node's allocatable memory, which the scheduler fills
        /// with pods' requests): what the class's budget leaves once everything but the pods holds its
        /// worst case, rounded down, measured on nanoCLR x86 (HeapBudgetTests): WROOM 11.4 KB (where
        /// its worst case's 8 pods hold 10.6 KB with their sidecars and probes), WROVER 838 KB, the
        /// STM32F769 1.7 MB.
        /// </summary>
        public static int PodMemory(int memoryClass)
        {
            switch (memoryClass)
            {
                case Wroom: return 8 * 1024;
                case Wrover: return 768 * 1024;
                default: return 1536 * 1024;
            }
        }

        /// <summary>
        /// What one pod's sandbox and its first container hold at the most (the worst case's 8
        /// pods of whoami alone, their bytes over 8, rounded up, measured on nanoCLR x86 between
        /// probes: HeapBudgetTests holds it): the board charges each pod this much of
        /// <see cref="PodMemory"/> before its programs ask for any.
        /// </summary>
        public static int PodBytes(int memoryClass)
        {
            switch (memoryClass)
            {
                case Wroom: return 1152;
                default: return 2560;
            }
        }

        /// <summary>
        /// What each container beside a pod's first holds (a toolbox sidecar: its container, log and
        /// program; the worst case's sidecars' bytes over their number, rounded up, measured on
        /// nanoCLR x86: HeapBudgetTests holds it), charged to its pod as <see cref="PodBytes"/> is.
        /// </summary>
        public static int ContainerBytes(int memoryClass)
        {
            return 160;
        }

        /// <summary>
        /// What each probe holds between its runs (its container's probe state, and a share of the
        /// prober and of the probe's spec, which equal pods share; measured as
        /// <see cref="ContainerBytes"/> is), charged to its pod as <see cref="PodBytes"/> is. A probe
        /// in flight holds a connection's two ends besides, as any connection does while open.
        /// </summary>
        public static int ProbeBytes(int memoryClass)
        {
            return 104;
        }

        /// <summary>Sets the node's capacities for the class; identity and addressing are left as they are.</summary>
        public static void Apply(int memoryClass, NodeConfig c)
        {
            if (memoryClass == Wroom)
            {
                // The workshop's worst case for a small board: 8 pods, 32 services (64 endpoints), 48
                // flows, 16 network policies, 8 ingress routes with a request served (256 flows before
                // policy: 64 of them paid for its code and tables; 64 more, and the hash's buckets
                // halving to 64, for the management line's authentication: its SessionAuth, the
                // control plane line and a connection waiting to prove the key; 80 more, the buckets
                // halving to 32, half the pods' shared log, a pod's ARP entries 4 -> 3 and overlay
                // routes 16 -> 12, for the ingress: its code 0.9 KiB, eight routes, its connection
                // slot and the parser's and writer's state; 4 more for port-forward's code and the
                // HTTP servers' lingering close).
                c.MaxPods = 8;
                // Two containers a pod and a probe a pod: the worst case is 8 pods of whoami with a
                // readiness probe and a toolbox beside it (a sidecar 150 bytes, a probe 101 between
                // its runs, measured on nanoCLR x86: HeapBudgetTests; a probe in flight holds a
                // connection's two ends, 3.9 KiB, while it runs, as any connection does). The
                // scheduler counts both: pods beyond them go to bigger boards.
                c.MaxContainers = 16;
                c.MaxProbes = 8;
                c.PodMemory = PodMemory(memoryClass);
                c.PodBytes = PodBytes(memoryClass);
                c.ContainerBytes = ContainerBytes(memoryClass);
                c.ProbeBytes = ProbeBytes(memoryClass);
                c.MaxServices = 32;
                c.ConntrackEntries = 44;
                c.MaxPolicies = 16;
                c.MaxPolicyRules = 64;
                c.MaxPolicyAddresses = 256;
                c.MaxPolicyPorts = 64;
                c.PolicyConnections = 16;
                c.LogBytes = 512;
                c.ConntrackAccounting = false; // 4 KiB of per-flow counters: `conntrack -L` then prints as Linux does without nf_conntrack_acct
                c.AffinityEntries = 16;
                c.DnsPods = 32;
                c.DnsPendingForwards = 4;
                c.DnsTcpClients = 1;
                c.DnsTcpAnswerBytes = 1024; // answers larger than UDP's come over TCP; 16 KiB would not fit
                c.MaxSocketsPerPod = 4;
                c.ArpEntries = 3; // a pod's neighbours; the gateway keeps one per pod whatever this says
                c.MacEntries = 9; // one per bridge port (8 pods and the gateway): a port has one MAC, forgotten when the port goes, so no more are ever live at once
                c.Routes = 12;
                c.PacketBuffers = 6;
                c.BridgeQueue = 6;
                c.PendingArpPackets = 2;
                c.UdpReceiveBuffer = 1024;
                c.TcpSendBuffer = 1024;
                c.TcpReceiveBuffer = 1024;
                c.TcpBacklog = 2;
                c.MaxTimeWait = 2;
                c.IngressConnections = 1; // one client at a time (two of the six packet buffers), the next waiting in lwIP's backlog
                c.MaxIngressRoutes = 16;
                c.FlowEvents = 16; // a workshop exercise's few connections and drops (28 bytes each)
                return;
            }

            c.MaxPods = 16;
            c.PodMemory = PodMemory(memoryClass);
            c.PodBytes = PodBytes(memoryClass);
            c.ContainerBytes = ContainerBytes(memoryClass);
            c.ProbeBytes = ProbeBytes(memoryClass);
            c.MaxServices = memoryClass == Wrover ? 128 : 256;
            c.ConntrackEntries = memoryClass == Wrover ? 1024 : 4096;
            c.AffinityEntries = 128;
            c.DnsPods = 128;
            c.DnsPendingForwards = 16;
            c.MaxSocketsPerPod = 8;
            c.ArpEntries = 64;
            c.MacEntries = 64;
            c.Routes = 32;
            c.PacketBuffers = memoryClass == Wrover ? 48 : 64;
            c.BridgeQueue = 48;
            c.PendingArpPackets = 4;
            c.UdpReceiveBuffer = 2048;
            c.TcpSendBuffer = 4096;
            c.TcpReceiveBuffer = 4096;
            c.TcpBacklog = 4;
            c.MaxTimeWait = 8;
        }
    }
}
