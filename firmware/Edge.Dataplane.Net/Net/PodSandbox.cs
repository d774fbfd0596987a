using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// A pod's network namespace: one IPv4 address and MAC on the node bridge (eth0), a
    /// loopback, and the sockets of every container in the pod. Containers share it and reach
    /// each other on 127.0.0.1; it lives as long as the pod, whatever its containers do (what
    /// the pause container does on Kubernetes).
    ///
    /// Inbound: the bridge delivers frames for our MAC; ARP goes to the interface, IPv4 to
    /// ICMP echo, UDP sockets, or TCP. Outbound: sockets build packets here; packets to our
    /// own address or 127/8 loop back without touching the bridge.
    /// </summary>
    public sealed partial class PodSandbox : IBridgePort
    {
        // Packets are parsed into the node's headers (NodeContext.IpIn, UdpIn, ...): one
        // pod's input never runs inside another's, so they serve every pod.
        public const uint LoopbackAddress = 0x7F000001;

        private const int FirstEphemeralPort = 32768;

        private const int EphemeralPorts = 28232; // Linux's default 32768-60999

        private readonly NodeContext _node;

        // What the pod sends itself (its own address, 127/8), made when it first does and let go
        // after a turn with nothing looped back: most pods talk to themselves only now and then
        // (a probe, a sidecar's request), and the queue is 168 bytes a pod on a board.
        private PacketQueue _loopback;

        // On nanoFramework every field takes a 12-byte block (a long as much as a byte), so the
        // small state shares two: the addresses the sandbox answers for (eth0's, high, and the
        // host sandbox's VTEP address, low: eth0's again for a pod), and the virtual IP it also
        // answers for (high: 0 for none) with the next IPv4 identification (the low 16 bits),
        // the end of the used TCP slots (15 bits above it) and whether a transparent delivery
        // is running (the top bit of the low half).
        private readonly ulong _addresses;
        private ulong _state;
        private const int IdMask = 0xFFFF;
        private const int TcpHighShift = 16;
        private const int TcpHighMask = 0x7FFF;
        private const uint TransparentBit = 0x80000000;

        public readonly string Namespace;

        public readonly string Name;

        /// <summary>The pod's eth0 on the bridge; null for the node's host-network sandbox.</summary>
        public IpInterface Interface
        {
            get { return _output as IpInterface; }
        }

        // The pod's eth0, or the gateway for the host sandbox.
        private readonly IIpOutput _output;

        private readonly ulong _mac;

        /// <summary>Frames and packets this pod received and sent, for `edgectl describe`.</summary>
        /// <summary>The pod's standard output (what its workload logs), for `edgectl logs`.</summary>
        public readonly PodLog Log;

        public PodSandbox(NodeContext node, Bridge bridge, int port, string ns, string name, uint address, int prefixLength, uint gateway)
        {
            _node = node;
            Log = new PodLog(node.Log);
            Namespace = ns;
            Name = name;
            var eth0 = new IpInterface(bridge, port, node, node.Config.ArpEntries);
            eth0.Address = address;
            eth0.PrefixLength = prefixLength;
            eth0.DefaultGateway = gateway;
            eth0.Mac = NodeConfig.PodMacFor(address);
            _output = eth0;
            _addresses = ((ulong)address << 32) | address;
            _mac = eth0.Mac;
            _tcpSockets = new TcpSocket[node.Config.MaxSocketsPerPod + node.Config.MaxTimeWait];
            _state = (ushort)node.Random.NextUInt32();
        }

        /// <summary>
        /// The node's host-network sandbox: the gateway's address (and its VTEP address), its
        /// packets routed by the gateway itself. NodePort and LoadBalancer connections into
        /// pods start here.
        /// </summary>
        internal PodSandbox(NodeContext node, IIpOutput output, string name, uint address, uint secondaryAddress, ulong mac)
        {
            _node = node;
            Log = new PodLog(node.Log);
            Namespace = "";
            Name = name;
            _output = output;
            _addresses = ((ulong)address << 32) | secondaryAddress;
            _mac = mac;
            _tcpSockets = new TcpSocket[node.Config.MaxSocketsPerPod + node.Config.MaxTimeWait];
            _state = (ushort)node.Random.NextUInt32();
        }

        public uint Address
        {
            get { return (uint)(_addresses >> 32); }
        }

        // The next IPv4 identification (and ICMP echo identifier), counting on.
        private ushort NextId()
        {
            ulong state = _state;
            _state = (state & ~(ulong)IdMask) | ((state + 1) & IdMask);
            return (ushort)state;
        }

        // The end of the used TCP slots: Poll looks no further.
        private int TcpHigh
        {
            get { return (int)(_state >> TcpHighShift) & TcpHighMask; }
            set { _state = (_state & ~((ulong)TcpHighMask << TcpHighShift)) | ((ulong)(value & TcpHighMask) << TcpHighShift); }
        }

        // Whether DeliverTransparent's packet is being taken in (it may be for an outside address).
        private bool TransparentInput
        {
            get { return ((uint)_state & TransparentBit) != 0; }
            set { _state = value ? _state | TransparentBit : _state & ~(ulong)TransparentBit; }
        }

        public ulong Mac
        {
            get { return _mac; }
        }

        private PacketQueue Loopback()
        {
            if (_loopback == null)
            {
                _loopback = new PacketQueue(8);
            }

            return _loopback;
        }

        public NodeContext Node
        {
            get { return _node; }
        }

        internal long Now
        {
            get { return _node.Now; }
        }

        /// <summary>The pod's nameserver (the cluster DNS address) and cluster domain, as its resolv.conf says.</summary>
        public uint DnsServer
        {
            get { return _node.Config.DnsAddress; }
        }

        public string ClusterDomain
        {
            get { return _node.Config.ClusterDomain; }
        }

        /// <summary>Sockets open in this pod.</summary>
        public int SocketCount()
        {
            int n = 0;
            for (int i = 0; i < _udpSockets.Length; i++)
            {
                n += _udpSockets[i] != null ? 1 : 0;
            }

            for (int i = 0; i < _echoSockets.Length; i++)
            {
                n += _echoSockets[i] != null ? 1 : 0;
            }

            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                n += _tcpSockets[i] != null && _tcpSockets[i].State != TcpState.TimeWait ? 1 : 0;
            }

            return n;
        }

        /// <summary>Handles frames the bridge delivers to this pod.</summary>
        public void Deliver(PacketBuffer frame, long now)
        {
            // What eth0 decides on, read in place: the destination MAC and the EtherType
            // (IEEE 802.3 clause 3.2); the source MAC is nobody's business here.
            byte[] b = frame.Data;
            int o = frame.Offset;
            int length = frame.Length;
            if (length < EthernetFrame.HeaderLength)
            {
                Drop(frame, DropReason.Truncated);
                return;
            }

            // Ours, or a group address (the I/G bit, the first octet's lowest).
            if ((b[o] & 0x01) == 0)
            {
                ulong destination = ((ulong)(uint)((b[o] << 8) | b[o + 1]) << 32) | (uint)((b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]);
                if (destination != _mac)
                {
                    Drop(frame, DropReason.NotForUs);
                    return;
                }
            }

            int etherType = (b[o + 12] << 8) | b[o + 13];
            if (etherType == EtherType.Ipv4)
            {
                InputIp(frame, now);
                return;
            }

            if (etherType == EtherType.Arp)
            {
                Interface.InputArp(frame, o + EthernetFrame.HeaderLength, length - EthernetFrame.HeaderLength, now);
                return;
            }

            Drop(frame, DropReason.Unsupported);
        }

        /// <summary>Takes UDP datagrams to outside addresses that reach the host sandbox (pod egress), or null.</summary>
        public IDatagramHandler TransparentUdp;

        /// <summary>Makes the sandbox answer for a virtual IP too (the node-local DNS address).</summary>
        internal void AddServiceAddress(uint address)
        {
            _state = (_state & 0xFFFFFFFF) | ((ulong)address << 32);
        }

        /// <summary>Whether a relay listens transparently here (the egress proxy): packets to outside addresses may be delivered.</summary>
        internal bool TakesTransparent
        {
            get { return FindTransparentListener() != null; }
        }

        /// <summary>A packet to an outside address, for the transparent listener's connections.</summary>
        internal void DeliverTransparent(PacketBuffer frame, long now)
        {
            TransparentInput = true;
            InputIp(frame, now);
            TransparentInput = false;
        }

        /// <summary>A routed packet for the node itself (the gateway hands it over, Ethernet header in front).</summary>
        internal void DeliverRouted(PacketBuffer frame, long now)
        {
            InputIp(frame, now);
        }

        /// <summary>
        /// One turn of the pod: its loopback traffic, then its TCP sockets (what they have to send,
        /// their retransmission and TIME-WAIT timers). Its interface's ARP timers run on the node's
        /// tick (<see cref="IpInterface.Poll"/>), not every turn.
        /// </summary>
        public void Poll(long now)
        {
            if (_loopback != null && _loopback.Count == 0)
            {
                _loopback = null; // nothing looped back since the last turn
            }

            for (int i = 0; i < 8 && _loopback != null; i++)
            {
                PacketBuffer frame = _loopback.Dequeue();
                if (frame == null)
                {
                    break;
                }

                InputIp(frame, now);
            }

            TcpSocket[] sockets = _tcpSockets;
            int high = TcpHigh;
            for (int i = 0; i < high; i++)
            {
                TcpSocket s = sockets[i];
                if (s != null)
                {
                    s.Poll(now);
                }
            }
        }

        /// <summary>Gives back every buffer the pod holds and closes its sockets.</summary>
        public void Shutdown()
        {
            for (PacketBuffer frame = _loopback != null ? _loopback.Dequeue() : null; frame != null; frame = _loopback.Dequeue())
            {
                _node.Pool.Return(frame);
            }

            if (Interface != null)
            {
                Interface.Clear();
            }

            for (int i = 0; i < _udpSockets.Length; i++)
            {
                if (_udpSockets[i] != null)
                {
                    _udpSockets[i].Closed = true;
                    _udpSockets[i] = null;
                }
            }

            for (int i = 0; i < _echoSockets.Length; i++)
            {
                if (_echoSockets[i] != null)
                {
                    _echoSockets[i].Closed = true;
                    _echoSockets[i] = null;
                }
            }

            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                if (_tcpSockets[i] != null)
                {
                    _tcpSockets[i].State = TcpState.Closed;
                    _tcpSockets[i].Error = TcpError.Aborted;
                    _tcpSockets[i] = null;
                }
            }

            TcpHigh = 0;
        }

        /// <summary>
        /// Writes the IPv4 header for the upper-layer bytes already at frame.Offset + 34 and sends
        /// the packet: back into this pod for our own addresses, else out of eth0.
        /// </summary>
        internal void SendIp(PacketBuffer frame, byte protocol, uint source, uint destination, int upperLength)
        {
            Ipv4Repr ip = _node.IpOut;
            ip.Source = source;
            ip.Destination = destination;
            ip.Protocol = protocol;
            ip.Ttl = 64;
            ip.TypeOfService = 0;
            ip.Identification = NextId();
            ip.DontFragment = protocol == IpProtocol.Tcp;
            ip.MoreFragments = false;
            ip.FragmentOffset = 0;
            ip.PayloadLength = upperLength;
            ip.Emit(frame.Data, frame.Offset + EthernetFrame.HeaderLength);
            frame.ChecksumsValid = true; // this stack summed them; the node's inputs need not again
            int ipLength = Ipv4Packet.MinimumHeaderLength + upperLength;
            if (IsLocal(destination))
            {
                frame.Length = EthernetFrame.HeaderLength + ipLength;
                if (!Loopback().Enqueue(frame))
                {
                    Drop(frame, DropReason.QueueFull);
                }

                return;
            }

            _output.SendIp(frame, ipLength, destination, _node.Clock.Milliseconds);
        }

        /// <summary>Our address toward a destination: 127.0.0.1 on loopback, eth0's address otherwise.</summary>
        internal uint SourceFor(uint destination)
        {
            return Ipv4Address.IsLoopback(destination) ? LoopbackAddress : (uint)(_addresses >> 32);
        }

        internal PacketBuffer Rent()
        {
            PacketBuffer frame = _node.Pool.Rent();
            if (frame == null)
            {
                _node.Drops.Count(DropReason.NoBuffer);
            }

            return frame;
        }

        // The limited broadcast, or a pod's subnet broadcast (the host sandbox has only the former).
        private bool IsBroadcast(uint destination)
        {
            return destination == Ipv4Address.Broadcast || (Interface != null && destination == Interface.SubnetBroadcast);
        }

        private bool IsLocal(uint destination)
        {
            ulong addresses = _addresses;
            uint service = (uint)(_state >> 32);
            return destination == (uint)(addresses >> 32) || destination == (uint)addresses || (destination == service && service != 0)
                || (destination >> 24) == 127; // loopback
        }

        private void InputIp(PacketBuffer frame, long now)
        {
            int ipAt = frame.Offset + EthernetFrame.HeaderLength;
            Ipv4Repr ip = _node.IpIn;
            WireError error = ip.Parse(frame.Data, ipAt, frame.Length - EthernetFrame.HeaderLength, frame.ChecksumsValid);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            uint destination = ip.Destination;
            if (destination != (uint)(_addresses >> 32) && !IsLocal(destination) && !IsBroadcast(destination) && !TransparentInput)
            {
                Drop(frame, DropReason.NotForUs);
                return;
            }

            if (ip.MoreFragments || ip.FragmentOffset != 0)
            {
                Drop(frame, DropReason.Fragment);
                return;
            }

            switch (ip.Protocol)
            {
                case IpProtocol.Icmp:
                    InputIcmp(frame, now);
                    return;
                case IpProtocol.Udp:
                    InputUdp(frame, now);
                    return;
                case IpProtocol.Tcp:
                    InputTcp(frame, now);
                    return;
                default:
                    Unreachable(frame, IcmpType.ProtocolUnreachable, now);
                    return;
            }
        }

        private void Drop(PacketBuffer frame, int reason)
        {
            _node.Drops.Count(reason, frame);
            _node.Pool.Return(frame);
        }
    }
}
