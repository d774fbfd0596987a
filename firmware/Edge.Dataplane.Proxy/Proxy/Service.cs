using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// One service port as a node serves it: the virtual IP and port, the policies that shape
    /// endpoint choice, and the endpoints the control plane resolved (addresses and target
    /// ports, with their conditions). The host compiles this from Service + EndpointSlices;
    /// the board only looks it up. Its names are the service's, for the views.
    /// </summary>
    public sealed class Service
    {
        public string Namespace = "default";
        public string Name = "";

        /// <summary>The service port's name ("" for an unnamed single port).</summary>
        public string PortName = "";

        /// <summary>ClusterIP, NodePort, LoadBalancer or ExternalName (<see cref="ServiceType"/>).</summary>
        public int Type
        {
            get { return (int)_settings & TypeMask; }
            set { Bits = (Bits & ~TypeMask) | (value & TypeMask); }
        }

        /// <summary>0 for a headless service (DNS only, nothing to proxy).</summary>
        public uint ClusterIp
        {
            get { return (uint)(_vip >> 32); }
            set { _vip = (_vip & 0xFFFFFFFF) | ((ulong)value << 32); }
        }

        public ushort Port
        {
            get { return (ushort)(_vip >> 16); }
            set { _vip = (_vip & 0xFFFFFFFF0000FFFF) | ((ulong)value << 16); }
        }

        public byte Protocol
        {
            get { return (byte)((int)_settings >> ProtocolShift); }
            set { Bits = (Bits & ~(0xFF << ProtocolShift)) | (value << ProtocolShift); }
        }

        /// <summary>For NodePort and LoadBalancer services, 30000-32767; 0 otherwise.</summary>
        public ushort NodePort
        {
            get { return (ushort)_vip; }
            set { _vip = (_vip & 0xFFFFFFFFFFFF0000) | value; }
        }

        public bool ClientIpAffinity
        {
            get { return ((int)_settings & AffinityBit) != 0; }
            set { Bits = value ? Bits | AffinityBit : Bits & ~AffinityBit; }
        }

        /// <summary>sessionAffinityConfig.clientIP.timeoutSeconds: 1-86400 (Kubernetes' bounds), 10800 unless set.</summary>
        public int AffinityTimeoutSeconds
        {
            get { return (int)((uint)(_settings >> 32) >> NextBits); }
            set { TimeoutAndNext = (TimeoutAndNext & NextMask) | ((value < 0 ? 0 : value > MaxTimeout ? MaxTimeout : value) << NextBits); }
        }

        public bool InternalTrafficLocal
        {
            get { return ((int)_settings & InternalLocalBit) != 0; }
            set { Bits = value ? Bits | InternalLocalBit : Bits & ~InternalLocalBit; }
        }

        public bool ExternalTrafficLocal
        {
            get { return ((int)_settings & ExternalLocalBit) != 0; }
            set { Bits = value ? Bits | ExternalLocalBit : Bits & ~ExternalLocalBit; }
        }

        // On nanoFramework every field of an object takes a 12-byte heap block, a long as much
        // as a byte, so the small settings share two: the ClusterIP and the two ports in one
        // (_vip: address, port, node port, high to low), type, protocol, policy bits and the
        // table slot with the affinity timeout and the round-robin position in the other
        // (_settings: the bits low, the timeout and position high). 32 services: 768 bytes.
        private const int TypeMask = 0xFF;
        private const int ProtocolShift = 8;
        private const int AffinityBit = 1 << 16;
        private const int InternalLocalBit = 1 << 17;
        private const int ExternalLocalBit = 1 << 18;
        private const int SlotShift = 19; // 13 bits: the slot + 1 (0 while the table has not placed it)
        private const int SlotMask = 0x1FFF;
        private const int NextBits = 15; // endpoints of one service: fewer than 32768
        private const int NextMask = (1 << NextBits) - 1;
        private const int MaxTimeout = 86400;
        private ulong _vip;
        private ulong _settings = ((ulong)(10800 << NextBits) << 32) | (uint)(ServiceType.ClusterIP | (IpProtocol.Tcp << ProtocolShift));

        private int Bits
        {
            get { return (int)_settings; }
            set { _settings = (_settings & 0xFFFFFFFF00000000) | (uint)value; }
        }

        private int TimeoutAndNext
        {
            get { return (int)(_settings >> 32); }
            set { _settings = (_settings & 0xFFFFFFFF) | ((ulong)(uint)value << 32); }
        }

        /// <summary>The most service ports a table can hold (the slot's room in the packed settings).</summary>
        public const int MaxSlots = SlotMask - 1;

        public uint[] EndpointAddresses = Empty.UInts;
        public ushort[] EndpointPorts = Empty.UShorts;
        public byte[] EndpointFlagBits = Empty.Bytes;


        /// <summary>Where the service table keeps it (conntrack entries refer to it).</summary>
        public int Slot
        {
            get { return (((int)_settings >> SlotShift) & SlotMask) - 1; }
            internal set { Bits = (Bits & ~(SlotMask << SlotShift)) | (((value + 1) & SlotMask) << SlotShift); }
        }

        /// <summary>The next endpoint in rr mode.</summary>
        internal int RoundRobinNext
        {
            get { return (int)(_settings >> 32) & NextMask; }
            set { TimeoutAndNext = (TimeoutAndNext & ~NextMask) | (value & NextMask); }
        }

        public int EndpointCount
        {
            get { return EndpointAddresses.Length; }
        }

        /// <summary>"default/web:http" (or "default/web" for an unnamed port): kube-proxy's service-port name.</summary>
        public string PortKey
        {
            get { return Namespace + "/" + Name + (PortName.Length > 0 ? ":" + PortName : ""); }
        }

        /// <summary>Replaces the endpoints (a delta from the host).</summary>
        public void SetEndpoints(uint[] addresses, ushort[] ports, byte[] flags)
        {
            EndpointAddresses = addresses;
            EndpointPorts = ports;
            EndpointFlagBits = flags;
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
