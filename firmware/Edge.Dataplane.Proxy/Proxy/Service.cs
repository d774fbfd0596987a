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
            get { return _bits & TypeMask; }
            set { _bits = (_bits & ~TypeMask) | (value & TypeMask); }
        }

        /// <summary>0 for a headless service (DNS only, nothing to proxy).</summary>
        public uint ClusterIp;

        public ushort Port
        {
            get { return (ushort)(_ports >> 16); }
            set { _ports = (_ports & 0xFFFF) | ((uint)value << 16); }
        }

        public byte Protocol
        {
            get { return (byte)((_bits >> ProtocolShift) & 0xFF); }
            set { _bits = (_bits & ~(0xFF << ProtocolShift)) | (value << ProtocolShift); }
        }

        /// <summary>For NodePort and LoadBalancer services, 30000-32767; 0 otherwise.</summary>
        public ushort NodePort
        {
            get { return (ushort)(_ports & 0xFFFF); }
            set { _ports = (_ports & 0xFFFF0000) | value; }
        }

        public bool ClientIpAffinity
        {
            get { return (_bits & AffinityBit) != 0; }
            set { _bits = value ? _bits | AffinityBit : _bits & ~AffinityBit; }
        }

        /// <summary>sessionAffinityConfig.clientIP.timeoutSeconds: 1-86400 (Kubernetes' bounds), 10800 unless set.</summary>
        public int AffinityTimeoutSeconds
        {
            get { return (int)((uint)_timeoutAndNext >> NextBits); }
            set { _timeoutAndNext = (_timeoutAndNext & NextMask) | ((value < 0 ? 0 : value > MaxTimeout ? MaxTimeout : value) << NextBits); }
        }

        public bool InternalTrafficLocal
        {
            get { return (_bits & InternalLocalBit) != 0; }
            set { _bits = value ? _bits | InternalLocalBit : _bits & ~InternalLocalBit; }
        }

        public bool ExternalTrafficLocal
        {
            get { return (_bits & ExternalLocalBit) != 0; }
            set { _bits = value ? _bits | ExternalLocalBit : _bits & ~ExternalLocalBit; }
        }

        // On nanoFramework every field of an object takes a 12-byte heap block, so the small
        // settings share three: type, protocol, policy bits and the table slot in one, the two
        // ports in another, the affinity timeout and the round-robin position in the third.
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
        private int _bits = ServiceType.ClusterIP | (IpProtocol.Tcp << ProtocolShift);
        private uint _ports;
        private int _timeoutAndNext = 10800 << NextBits;

        /// <summary>The most service ports a table can hold (the slot's room in the packed settings).</summary>
        public const int MaxSlots = SlotMask - 1;

        public uint[] EndpointAddresses = Empty.UInts;
        public ushort[] EndpointPorts = Empty.UShorts;
        public byte[] EndpointFlagBits = Empty.Bytes;


        /// <summary>Where the service table keeps it (conntrack entries refer to it).</summary>
        public int Slot
        {
            get { return ((_bits >> SlotShift) & SlotMask) - 1; }
            internal set { _bits = (_bits & ~(SlotMask << SlotShift)) | (((value + 1) & SlotMask) << SlotShift); }
        }

        /// <summary>The next endpoint in rr mode.</summary>
        internal int RoundRobinNext
        {
            get { return _timeoutAndNext & NextMask; }
            set { _timeoutAndNext = (_timeoutAndNext & ~NextMask) | (value & NextMask); }
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
