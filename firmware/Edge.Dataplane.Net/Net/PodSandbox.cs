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
    public sealed class PodSandbox : IBridgePort
    {
        // Packets are parsed into the node's headers (NodeContext.IpIn, UdpIn, ...): one
        // pod's input never runs inside another's, so they serve every pod.
        public const uint LoopbackAddress = 0x7F000001;
        private const int FirstEphemeralPort = 32768;
        private const int EphemeralPorts = 28232; // Linux's default 32768-60999

        private readonly NodeContext _node;
        // Allocated when first needed: most pods never talk to themselves or open a UDP or echo
        // socket (a whoami pod only listens), and each of these is a few hundred bytes on a small
        // board's heap.
        private static readonly UdpSocket[] NoUdpSockets = new UdpSocket[0];
        private static readonly IcmpEchoSocket[] NoEchoSockets = new IcmpEchoSocket[0];
        private PacketQueue _loopback;
        private UdpSocket[] _udpSockets = NoUdpSockets;
        private IcmpEchoSocket[] _echoSockets = NoEchoSockets;
        private readonly TcpSocket[] _tcpSockets;

        // One past the highest slot of _tcpSockets in use: a turn polls up to it, not every slot
        // (sixteen empty slots were 11k native instructions a pod a turn on nanoCLR).
        private int _tcpHigh;
        private ushort _nextId;

        public readonly string Namespace;
        public readonly string Name;

        /// <summary>The pod's eth0 on the bridge; null for the node's host-network sandbox.</summary>
        public readonly IpInterface Interface;

        private readonly IIpOutput _output;
        private readonly uint _address;
        private readonly uint _secondaryAddress;
        private uint _serviceAddress;
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
            Interface = new IpInterface(bridge, port, node, node.Config.ArpEntries);
            Interface.Address = address;
            Interface.PrefixLength = prefixLength;
            Interface.DefaultGateway = gateway;
            Interface.Mac = NodeConfig.PodMacFor(address);
            _output = Interface;
            _address = address;
            _secondaryAddress = address;
            _mac = Interface.Mac;
            _tcpSockets = new TcpSocket[node.Config.MaxSocketsPerPod + node.Config.MaxTimeWait];
            _nextId = (ushort)node.Random.NextUInt32();
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
            Interface = null;
            _output = output;
            _address = address;
            _secondaryAddress = secondaryAddress;
            _mac = mac;
            _tcpSockets = new TcpSocket[node.Config.MaxSocketsPerPod + node.Config.MaxTimeWait];
            _nextId = (ushort)node.Random.NextUInt32();
        }

        public uint Address
        {
            get { return _address; }
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

        /// <summary>Opens a UDP socket on a port (0 picks a free ephemeral port); null when the port is taken or the pod has no socket left.</summary>
        public UdpSocket OpenUdp(ushort port)
        {
            return OpenUdp(port, _node.Config.UdpReceiveBuffer);
        }

        /// <summary>As <see cref="OpenUdp(ushort)"/>, with a receive queue of its own size.</summary>
        public UdpSocket OpenUdp(ushort port, int receiveBuffer)
        {
            if (port == 0)
            {
                port = FreeEphemeralUdpPort();
                if (port == 0)
                {
                    _node.Drops.Count(DropReason.SocketLimit);
                    return null;
                }
            }
            else if (FindUdp(port) != null)
            {
                return null;
            }

            if (_udpSockets.Length == 0)
            {
                _udpSockets = new UdpSocket[_node.Config.MaxSocketsPerPod];
            }

            int slot = FreeSlot(_udpSockets);
            if (slot < 0 || SocketCount() >= _node.Config.MaxSocketsPerPod)
            {
                _node.Drops.Count(DropReason.SocketLimit);
                return null;
            }

            UdpSocket socket = new UdpSocket(this, port, receiveBuffer);
            _udpSockets[slot] = socket;
            return socket;
        }

        /// <summary>Opens an ICMP echo socket (what ping uses) with a fresh identifier.</summary>
        public IcmpEchoSocket OpenEcho()
        {
            if (_echoSockets.Length == 0)
            {
                _echoSockets = new IcmpEchoSocket[_node.Config.MaxSocketsPerPod];
            }

            for (int i = 0; i < _echoSockets.Length; i++)
            {
                if (_echoSockets[i] == null && SocketCount() < _node.Config.MaxSocketsPerPod)
                {
                    _echoSockets[i] = new IcmpEchoSocket(this, _nextId++);
                    return _echoSockets[i];
                }
            }

            _node.Drops.Count(DropReason.SocketLimit);
            return null;
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

        private bool _transparentInput;

        /// <summary>Takes UDP datagrams to outside addresses that reach the host sandbox (pod egress), or null.</summary>
        public IDatagramHandler TransparentUdp;

        /// <summary>
        /// A listener that accepts TCP connections to any outside address the gateway hands over
        /// with <see cref="DeliverTransparent"/>: each child's local address and port are the
        /// destination the pod asked for (what Linux's TPROXY does). For pod egress.
        /// </summary>
        public TcpSocket ListenTransparent(int backlog)
        {
            TcpSocket socket = NewTcp(true);
            if (socket == null)
            {
                return null;
            }

            socket.StartListen(0, backlog, _node.Now);
            socket.Transparent = true;
            return socket;
        }

        /// <summary>Makes the sandbox answer for a virtual IP too (the node-local DNS address).</summary>
        internal void AddServiceAddress(uint address)
        {
            _serviceAddress = address;
        }

        /// <summary>Whether a relay listens transparently here (the egress proxy): packets to outside addresses may be delivered.</summary>
        internal bool TakesTransparent
        {
            get { return FindTransparentListener() != null; }
        }

        /// <summary>A packet to an outside address, for the transparent listener's connections.</summary>
        internal void DeliverTransparent(PacketBuffer frame, long now)
        {
            _transparentInput = true;
            InputIp(frame, now);
            _transparentInput = false;
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
            for (int i = 0; i < _tcpHigh; i++)
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

            _tcpHigh = 0;
        }

        // The slots go with the last socket of their kind, as they came with the first: a pod
        // that once resolved a name or sent a datagram holds no table of sockets it no longer has.
        internal void CloseUdp(UdpSocket socket)
        {
            int open = 0;
            for (int i = 0; i < _udpSockets.Length; i++)
            {
                if (_udpSockets[i] == socket)
                {
                    _udpSockets[i] = null;
                }

                open += _udpSockets[i] != null ? 1 : 0;
            }

            if (open == 0)
            {
                _udpSockets = NoUdpSockets;
            }

            socket.Closed = true;
        }

        internal void CloseEcho(IcmpEchoSocket socket)
        {
            int open = 0;
            for (int i = 0; i < _echoSockets.Length; i++)
            {
                if (_echoSockets[i] == socket)
                {
                    _echoSockets[i] = null;
                }

                open += _echoSockets[i] != null ? 1 : 0;
            }

            if (open == 0)
            {
                _echoSockets = NoEchoSockets;
            }

            socket.Closed = true;
        }

        internal bool SendUdp(ushort sourcePort, uint destination, ushort destinationPort, byte[] data, int offset, int length)
        {
            uint source = (destination >> 24) == 127 ? LoopbackAddress : _address; // SourceFor, in this body: every datagram a pod sends
            return SendUdpFrom(source, sourcePort, destination, destinationPort, data, offset, length);
        }

        /// <summary>
        /// Sends a datagram with any source address: the host sandbox answers for outside
        /// servers this way (pod egress over UDP), so the pod sees the reply from whom it asked.
        /// </summary>
        public bool SendUdpFrom(uint source, ushort sourcePort, uint destination, ushort destinationPort, byte[] data, int offset, int length)
        {
            if (length > PacketBuffer.MaximumFrame - EthernetFrame.HeaderLength - Ipv4Packet.MinimumHeaderLength - UdpPacket.HeaderLength)
            {
                _node.Drops.Count(DropReason.TooBig);
                return false;
            }

            PacketBuffer frame = Rent();
            if (frame == null)
            {
                return false;
            }

            int ipAt = frame.Offset + EthernetFrame.HeaderLength;
            int udpAt = ipAt + Ipv4Packet.MinimumHeaderLength;
            System.Array.Copy(data, offset, frame.Data, udpAt + UdpPacket.HeaderLength, length);
            UdpRepr udp = _node.UdpIn;
            udp.SourcePort = sourcePort;
            udp.DestinationPort = destinationPort;
            udp.HasChecksum = true;
            udp.PayloadLength = length;
            udp.Emit(frame.Data, udpAt, source, destination);
            SendIp(frame, IpProtocol.Udp, source, destination, UdpPacket.HeaderLength + length);
            return true;
        }

        internal bool SendEchoRequest(uint destination, ushort identifier, ushort sequence, int dataLength)
        {
            if (dataLength < 0 || dataLength > 1400)
            {
                return false;
            }

            PacketBuffer frame = Rent();
            if (frame == null)
            {
                return false;
            }

            int icmpAt = frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
            for (int i = 0; i < dataLength; i++)
            {
                frame.Data[icmpAt + IcmpPacket.HeaderLength + i] = (byte)(0x10 + i);
            }

            _node.IcmpIn.Type = IcmpType.EchoRequest;
            _node.IcmpIn.Code = 0;
            _node.IcmpIn.Identifier = identifier;
            _node.IcmpIn.SequenceNumber = sequence;
            _node.IcmpIn.DataLength = dataLength;
            _node.IcmpIn.Emit(frame.Data, icmpAt);
            SendIp(frame, IpProtocol.Icmp, SourceFor(destination), destination, IcmpPacket.HeaderLength + dataLength);
            return true;
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
            ip.Identification = _nextId++;
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
            return Ipv4Address.IsLoopback(destination) ? LoopbackAddress : _address;
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
            return destination == _address || destination == _secondaryAddress || (destination == _serviceAddress && _serviceAddress != 0)
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
            if (destination != _address && !IsLocal(destination) && !IsBroadcast(destination) && !_transparentInput)
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

        private void InputIcmp(PacketBuffer frame, long now)
        {
            WireError error = _node.IcmpIn.Parse(frame.Data, _node.IpIn.PayloadOffset, _node.IpIn.PayloadLength, frame.ChecksumsValid);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            if (_node.IcmpIn.Type == IcmpType.EchoRequest && !IsBroadcast(_node.IpIn.Destination))
            {
                // Answer in the same buffer: the data stays where it is.
                int dataLength = _node.IcmpIn.DataLength;
                uint to = _node.IpIn.Source;
                uint from = _node.IpIn.Destination;
                _node.IcmpIn.Type = IcmpType.EchoReply;
                _node.IcmpIn.Emit(frame.Data, _node.IpIn.PayloadOffset);
                frame.Offset = PacketBuffer.Headroom;
                if (_node.IpIn.PayloadOffset != frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength)
                {
                    // Options in the request: move the message up behind a plain header.
                    System.Array.Copy(frame.Data, _node.IpIn.PayloadOffset, frame.Data,
                        frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength, IcmpPacket.HeaderLength + dataLength);
                }

                SendIp(frame, IpProtocol.Icmp, from, to, IcmpPacket.HeaderLength + dataLength);
                return;
            }

            if (_node.IcmpIn.Type == IcmpType.DestinationUnreachable)
            {
                NotifyUnreachable(frame.Data, _node.IcmpIn.DataOffset, _node.IcmpIn.DataLength, _node.IcmpIn.Code);
            }

            if (_node.IcmpIn.Type == IcmpType.EchoReply)
            {
                for (int i = 0; i < _echoSockets.Length; i++)
                {
                    if (_echoSockets[i] != null && _echoSockets[i].Identifier == _node.IcmpIn.Identifier)
                    {
                        _echoSockets[i].Deliver(_node.IpIn.Source, _node.IcmpIn.SequenceNumber, _node.IpIn.Ttl, now);
                        break;
                    }
                }
            }

            _node.Pool.Return(frame);
        }

        // RFC 1122 §4.2.3.9: port and protocol unreachable are hard errors; a connection still
        // opening gives up at once ("connection refused"), as a Linux client does.
        private void NotifyUnreachable(byte[] b, int offset, int length, byte code)
        {
            if (code != IcmpType.PortUnreachable && code != IcmpType.ProtocolUnreachable && code != IcmpType.AdministrativelyProhibited)
            {
                return;
            }

            if (length < Ipv4Packet.MinimumHeaderLength + 8 || b[offset + 9] != IpProtocol.Tcp)
            {
                return;
            }

            int headerLength = (b[offset] & 0x0F) * 4;
            if (headerLength < Ipv4Packet.MinimumHeaderLength || length < headerLength + 4)
            {
                return;
            }

            uint source = NetworkOrder.ReadU32(b, offset + 12);
            uint destination = NetworkOrder.ReadU32(b, offset + 16);
            ushort sourcePort = NetworkOrder.ReadU16(b, offset + headerLength);
            ushort destinationPort = NetworkOrder.ReadU16(b, offset + headerLength + 2);
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                TcpSocket s = _tcpSockets[i];
                if (s != null && s.State == TcpState.SynSent && s.Matches(source, sourcePort, destination, destinationPort))
                {
                    s.Refuse(code == IcmpType.AdministrativelyProhibited ? TcpError.Unreachable : TcpError.Refused);
                }
            }
        }

        private void InputUdp(PacketBuffer frame, long now)
        {
            Ipv4Repr ip = _node.IpIn;
            UdpRepr udp = _node.UdpIn;
            WireError error = udp.Parse(frame.Data, ip.PayloadOffset, ip.PayloadLength, ip.Source, ip.Destination, frame.ChecksumsValid);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            UdpSocket socket = _transparentInput ? null : FindUdp(udp.DestinationPort);
            if (socket == null && _transparentInput && TransparentUdp != null)
            {
                TransparentUdp.OnDatagram(ip.Source, udp.SourcePort, ip.Destination, udp.DestinationPort,
                    frame.Data, udp.PayloadOffset, udp.PayloadLength, now);
                _node.Pool.Return(frame);
                return;
            }

            if (socket == null)
            {
                Unreachable(frame, IcmpType.PortUnreachable, now);
                return;
            }

            socket.Deliver(ip.Source, udp.SourcePort, ip.Destination, frame.Data, udp.PayloadOffset, udp.PayloadLength);
            _node.Pool.Return(frame);
        }

        /// <summary>Answers with ICMP destination unreachable (as a Linux host does for a closed UDP port), then drops.</summary>
        private void Unreachable(PacketBuffer frame, byte code, long now)
        {
            _node.Drops.Count(DropReason.NoSocket);
            bool broadcast = IsBroadcast(_node.IpIn.Destination);
            PacketBuffer error = broadcast ? null : Rent();
            if (error != null)
            {
                IcmpError errors = _node.PodErrors;
                int length = errors.Build(error, IcmpType.DestinationUnreachable, code, _node.IpIn.Destination,
                    frame.Data, frame.Offset + EthernetFrame.HeaderLength, frame.Length - EthernetFrame.HeaderLength, now);
                if (length > 0)
                {
                    uint to = errors.Destination;
                    if (IsLocal(to))
                    {
                        error.Length = EthernetFrame.HeaderLength + length;
                        if (!Loopback().Enqueue(error))
                        {
                            _node.Pool.Return(error);
                        }
                    }
                    else
                    {
                        _output.SendIp(error, length, to, now);
                    }
                }
                else
                {
                    _node.Pool.Return(error);
                }
            }

            _node.Pool.Return(frame);
        }

        /// <summary>A listening socket on a port (backlog: connections established but not yet accepted); null when taken or out of sockets.</summary>
        public TcpSocket Listen(ushort port, int backlog)
        {
            if (port == 0 || FindListener(port) != null)
            {
                return null;
            }

            TcpSocket socket = NewTcp(true);
            if (socket == null)
            {
                return null;
            }

            socket.StartListen(port, backlog > 0 ? backlog : _node.Config.TcpBacklog, _node.Now);
            return socket;
        }

        /// <summary>Starts connecting to address:port from an ephemeral port; watch <see cref="TcpSocket.State"/>.</summary>
        public TcpSocket Connect(uint address, ushort port)
        {
            TcpSocket socket = NewTcp();
            if (socket == null)
            {
                return null;
            }

            uint local = SourceFor(address);
            ushort localPort = FreeEphemeralTcpPort(local, address, port);
            if (localPort == 0)
            {
                CloseTcp(socket);
                _node.Drops.Count(DropReason.SocketLimit);
                return null;
            }

            socket.StartConnect(local, localPort, address, port, _node.Random.NextUInt32(), _node.Now);
            return socket;
        }

        internal int TimeWaitMs
        {
            get { return _node.Config.TimeWaitMs; }
        }

        internal TcpSocket AcceptTcp(TcpSocket listener)
        {
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                TcpSocket s = _tcpSockets[i];
                if (s != null && s.Parent == listener && !s.Accepted && s.State != TcpState.SynReceived)
                {
                    s.Accepted = true;
                    return s;
                }
            }

            return null;
        }

        internal void CloseTcp(TcpSocket socket)
        {
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                TcpSocket s = _tcpSockets[i];
                if (s == socket)
                {
                    _tcpSockets[i] = null;
                    while (_tcpHigh > 0 && _tcpSockets[_tcpHigh - 1] == null)
                    {
                        _tcpHigh--;
                    }
                }
                else if (s != null && s.Parent == socket && !s.Accepted && socket.State == TcpState.Listen)
                {
                    s.Abort(); // a closing listener resets what it never accepted
                }
            }
        }

        // TIME-WAIT is bounded in count: beyond MaxTimeWait the oldest is dropped early, as
        // Linux does past tcp_max_tw_buckets.
        internal void OnTimeWait(TcpSocket socket)
        {
            int count = 0;
            TcpSocket oldest = null;
            long now = _node.Now;
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                TcpSocket s = _tcpSockets[i];
                if (s != null && s.State == TcpState.TimeWait)
                {
                    count++;
                    if (s != socket && (oldest == null || s.TimeWaitRemaining(now) < oldest.TimeWaitRemaining(now)))
                    {
                        oldest = s;
                    }
                }
            }

            if (count > _node.Config.MaxTimeWait && oldest != null)
            {
                oldest.State = TcpState.Closed;
                CloseTcp(oldest);
            }
        }

        private TcpSocket NewTcp()
        {
            return NewTcp(false);
        }

        /// <summary>
        /// A socket from the pod's table: a connection with the configured buffers, or a listener
        /// without buffers or connection state (eight listening pods on a WROOM board would
        /// otherwise hold both for nothing).
        /// </summary>
        private TcpSocket NewTcp(bool listener)
        {
            if (SocketCount() >= _node.Config.MaxSocketsPerPod)
            {
                _node.Drops.Count(DropReason.SocketLimit);
                return null;
            }

            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                if (_tcpSockets[i] == null)
                {
                    TcpSocket socket = new TcpSocket(this);
                    if (listener)
                    {
                        socket.OpenListener();
                    }
                    else
                    {
                        socket.Open(_node.Config.TcpSendBuffer, _node.Config.TcpReceiveBuffer);
                    }

                    _tcpSockets[i] = socket;
                    if (i >= _tcpHigh)
                    {
                        _tcpHigh = i + 1;
                    }

                    return socket;
                }
            }

            _node.Drops.Count(DropReason.SocketLimit);
            return null;
        }

        private void InputTcp(PacketBuffer frame, long now)
        {
            WireError error = _node.TcpIn.Parse(frame.Data, _node.IpIn.PayloadOffset, _node.IpIn.PayloadLength, _node.IpIn.Source, _node.IpIn.Destination, frame.ChecksumsValid);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            uint local = _node.IpIn.Destination;
            uint remote = _node.IpIn.Source;
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                TcpSocket s = _tcpSockets[i];
                if (s != null && s.Matches(local, _node.TcpIn.DestinationPort, remote, _node.TcpIn.SourcePort))
                {
                    s.Input(_node.TcpIn, frame.Data, now);
                    _node.Pool.Return(frame);
                    return;
                }
            }

            TcpSocket listener = FindListener(_node.TcpIn.DestinationPort);
            if (listener == null && _transparentInput)
            {
                listener = FindTransparentListener();
            }

            if (listener != null && (_node.TcpIn.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn)
            {
                if (Pending(listener) >= listener.Backlog)
                {
                    Drop(frame, DropReason.QueueFull); // a full accept queue drops SYNs; the client retries
                    return;
                }

                TcpSocket child = NewTcp();
                if (child != null)
                {
                    child.StartFromSyn(listener, local, remote, _node.TcpIn, _node.Random.NextUInt32(), now);
                }

                _node.Pool.Return(frame);
                return;
            }

            _node.Drops.Count(DropReason.NoSocket);
            if (!_node.TcpIn.HasFlag(TcpFlags.Rst))
            {
                SendReset(local, remote, now);
            }

            _node.Pool.Return(frame);
        }

        // RFC 9293 §3.10.7.1: a segment for no connection gets a RST that the sender will accept.
        private void SendReset(uint local, uint remote, long now)
        {
            PacketBuffer frame = Rent();
            if (frame == null)
            {
                return;
            }

            _node.TcpOut.SourcePort = _node.TcpIn.DestinationPort;
            _node.TcpOut.DestinationPort = _node.TcpIn.SourcePort;
            if (_node.TcpIn.HasFlag(TcpFlags.Ack))
            {
                _node.TcpOut.SequenceNumber = _node.TcpIn.AcknowledgmentNumber;
                _node.TcpOut.AcknowledgmentNumber = 0;
                _node.TcpOut.Flags = TcpFlags.Rst;
            }
            else
            {
                int length = _node.TcpIn.PayloadLength + (_node.TcpIn.HasFlag(TcpFlags.Syn) ? 1 : 0) + (_node.TcpIn.HasFlag(TcpFlags.Fin) ? 1 : 0);
                _node.TcpOut.SequenceNumber = 0;
                _node.TcpOut.AcknowledgmentNumber = _node.TcpIn.SequenceNumber + (uint)length;
                _node.TcpOut.Flags = TcpFlags.Rst | TcpFlags.Ack;
            }

            _node.TcpOut.Window = 0;
            _node.TcpOut.UrgentPointer = 0;
            _node.TcpOut.MaximumSegmentSize = 0;
            _node.TcpOut.WindowScale = TcpRepr.NoWindowScale;
            _node.TcpOut.SackPermitted = false;
            _node.TcpOut.HasTimestamps = false;
            _node.TcpOut.PayloadLength = 0;
            _node.TcpOut.Emit(frame.Data, frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength, local, remote);
            SendIp(frame, IpProtocol.Tcp, local, remote, TcpPacket.MinimumHeaderLength);
        }

        // The host sandbox's egress listener, found among its sockets rather than kept in a field every pod would carry.
        private TcpSocket FindTransparentListener()
        {
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                if (_tcpSockets[i] != null && _tcpSockets[i].Transparent && _tcpSockets[i].State == TcpState.Listen)
                {
                    return _tcpSockets[i];
                }
            }

            return null;
        }

        private TcpSocket FindListener(ushort port)
        {
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                if (_tcpSockets[i] != null && _tcpSockets[i].State == TcpState.Listen && _tcpSockets[i].LocalPort == port && !_tcpSockets[i].Transparent)
                {
                    return _tcpSockets[i];
                }
            }

            return null;
        }

        private int Pending(TcpSocket listener)
        {
            int n = 0;
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                if (_tcpSockets[i] != null && _tcpSockets[i].Parent == listener && !_tcpSockets[i].Accepted)
                {
                    n++;
                }
            }

            return n;
        }

        private ushort FreeEphemeralTcpPort(uint local, uint remote, ushort remotePort)
        {
            int start = (int)(_node.Random.NextUInt32() % EphemeralPorts);
            for (int i = 0; i < 64; i++)
            {
                ushort port = (ushort)(FirstEphemeralPort + (start + i) % EphemeralPorts);
                bool used = FindListener(port) != null;
                for (int j = 0; j < _tcpSockets.Length && !used; j++)
                {
                    used = _tcpSockets[j] != null && _tcpSockets[j].LocalPort == port;
                }

                if (!used)
                {
                    return port;
                }
            }

            return 0;
        }

        private UdpSocket FindUdp(ushort port)
        {
            UdpSocket[] sockets = _udpSockets;
            for (int i = 0; i < sockets.Length; i++)
            {
                UdpSocket s = sockets[i];
                if (s != null && s.LocalPort == port)
                {
                    return s;
                }
            }

            return null;
        }

        private ushort FreeEphemeralUdpPort()
        {
            int start = (int)(_node.Random.NextUInt32() % EphemeralPorts);
            for (int i = 0; i < 64; i++)
            {
                ushort port = (ushort)(FirstEphemeralPort + (start + i) % EphemeralPorts);
                if (FindUdp(port) == null)
                {
                    return port;
                }
            }

            return 0;
        }

        private static int FreeSlot(UdpSocket[] sockets)
        {
            for (int i = 0; i < sockets.Length; i++)
            {
                if (sockets[i] == null)
                {
                    return i;
                }
            }

            return -1;
        }

        private void Drop(PacketBuffer frame, int reason)
        {
            _node.Drops.Count(reason);
            _node.Pool.Return(frame);
        }
    }
}
