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
        public const uint LoopbackAddress = 0x7F000001;
        private const int FirstEphemeralPort = 32768;
        private const int EphemeralPorts = 28232; // Linux's default 32768-60999

        private readonly NodeContext _node;
        private readonly PacketQueue _loopback;
        private readonly EthernetRepr _ethernet = new EthernetRepr();
        private readonly Ipv4Repr _ip = new Ipv4Repr();
        private readonly Ipv4Repr _ipOut = new Ipv4Repr();
        private readonly UdpRepr _udp = new UdpRepr();
        private readonly IcmpRepr _icmp = new IcmpRepr();
        private readonly IcmpError _icmpError = new IcmpError();
        private readonly UdpSocket[] _udpSockets;
        private readonly IcmpEchoSocket[] _echoSockets;
        private ushort _nextId;

        public readonly string Namespace;
        public readonly string Name;
        public readonly IpInterface Interface;

        /// <summary>Frames and packets this pod received and sent, for `edgectl describe`.</summary>
        public long PacketsIn;
        public long PacketsOut;

        internal PodSandbox(NodeContext node, Bridge bridge, int port, string ns, string name, uint address, int prefixLength, uint gateway)
        {
            _node = node;
            Namespace = ns;
            Name = name;
            Interface = new IpInterface(bridge, port, node.Pool, node.Drops, node.Config.ArpEntries, node.Config.PendingArpPackets);
            Interface.Address = address;
            Interface.PrefixLength = prefixLength;
            Interface.DefaultGateway = gateway;
            Interface.Mac = NodeConfig.PodMacFor(address);
            _loopback = new PacketQueue(8);
            _udpSockets = new UdpSocket[node.Config.MaxSocketsPerPod];
            _echoSockets = new IcmpEchoSocket[node.Config.MaxSocketsPerPod];
            _nextId = (ushort)node.Random.NextUInt32();
        }

        public uint Address
        {
            get { return Interface.Address; }
        }

        public ulong Mac
        {
            get { return Interface.Mac; }
        }

        internal long Now
        {
            get { return _node.Now; }
        }

        /// <summary>Opens a UDP socket on a port (0 picks a free ephemeral port); null when the port is taken or the pod has no socket left.</summary>
        public UdpSocket OpenUdp(ushort port)
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

            int slot = FreeSlot(_udpSockets);
            if (slot < 0 || SocketCount() >= _node.Config.MaxSocketsPerPod)
            {
                _node.Drops.Count(DropReason.SocketLimit);
                return null;
            }

            UdpSocket socket = new UdpSocket(this, port, _node.Config.UdpReceiveBuffer);
            _udpSockets[slot] = socket;
            return socket;
        }

        /// <summary>Opens an ICMP echo socket (what ping uses) with a fresh identifier.</summary>
        public IcmpEchoSocket OpenEcho()
        {
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
                n += _echoSockets[i] != null ? 1 : 0;
            }

            return n;
        }

        /// <summary>Handles frames the bridge delivers to this pod.</summary>
        public void Deliver(PacketBuffer frame, long now)
        {
            WireError error = _ethernet.Parse(frame.Data, frame.Offset, frame.Length);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            if (_ethernet.Destination != Interface.Mac && !MacAddress.IsGroup(_ethernet.Destination))
            {
                Drop(frame, DropReason.NotForUs);
                return;
            }

            if (_ethernet.EtherType == EtherType.Arp)
            {
                Interface.InputArp(frame, _ethernet.PayloadOffset, _ethernet.PayloadLength, now);
                return;
            }

            if (_ethernet.EtherType != EtherType.Ipv4)
            {
                Drop(frame, DropReason.Unsupported);
                return;
            }

            PacketsIn++;
            InputIp(frame, now);
        }

        /// <summary>Runs the pod's timers and loopback traffic.</summary>
        public void Poll(long now)
        {
            for (int i = 0; i < 8; i++)
            {
                PacketBuffer frame = _loopback.Dequeue();
                if (frame == null)
                {
                    break;
                }

                InputIp(frame, now);
            }

            Interface.Poll(now);
        }

        /// <summary>Gives back every buffer the pod holds and closes its sockets.</summary>
        internal void Shutdown()
        {
            for (PacketBuffer frame = _loopback.Dequeue(); frame != null; frame = _loopback.Dequeue())
            {
                _node.Pool.Return(frame);
            }

            Interface.Clear();
            for (int i = 0; i < _udpSockets.Length; i++)
            {
                if (_udpSockets[i] != null)
                {
                    _udpSockets[i].Closed = true;
                    _udpSockets[i] = null;
                }

                if (_echoSockets[i] != null)
                {
                    _echoSockets[i].Closed = true;
                    _echoSockets[i] = null;
                }
            }
        }

        internal void CloseUdp(UdpSocket socket)
        {
            for (int i = 0; i < _udpSockets.Length; i++)
            {
                if (_udpSockets[i] == socket)
                {
                    _udpSockets[i] = null;
                }
            }

            socket.Closed = true;
        }

        internal void CloseEcho(IcmpEchoSocket socket)
        {
            for (int i = 0; i < _echoSockets.Length; i++)
            {
                if (_echoSockets[i] == socket)
                {
                    _echoSockets[i] = null;
                }
            }

            socket.Closed = true;
        }

        internal bool SendUdp(ushort sourcePort, uint destination, ushort destinationPort, byte[] data, int offset, int length)
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
            uint source = SourceFor(destination);
            _udp.SourcePort = sourcePort;
            _udp.DestinationPort = destinationPort;
            _udp.HasChecksum = true;
            _udp.PayloadLength = length;
            _udp.Emit(frame.Data, udpAt, source, destination);
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

            _icmp.Type = IcmpType.EchoRequest;
            _icmp.Code = 0;
            _icmp.Identifier = identifier;
            _icmp.SequenceNumber = sequence;
            _icmp.DataLength = dataLength;
            _icmp.Emit(frame.Data, icmpAt);
            SendIp(frame, IpProtocol.Icmp, SourceFor(destination), destination, IcmpPacket.HeaderLength + dataLength);
            return true;
        }

        /// <summary>
        /// Writes the IPv4 header for the upper-layer bytes already at frame.Offset + 34 and sends
        /// the packet: back into this pod for our own addresses, else out of eth0.
        /// </summary>
        internal void SendIp(PacketBuffer frame, byte protocol, uint source, uint destination, int upperLength)
        {
            _ipOut.Source = source;
            _ipOut.Destination = destination;
            _ipOut.Protocol = protocol;
            _ipOut.Ttl = 64;
            _ipOut.TypeOfService = 0;
            _ipOut.Identification = _nextId++;
            _ipOut.DontFragment = protocol == IpProtocol.Tcp;
            _ipOut.MoreFragments = false;
            _ipOut.FragmentOffset = 0;
            _ipOut.PayloadLength = upperLength;
            _ipOut.Emit(frame.Data, frame.Offset + EthernetFrame.HeaderLength);
            int ipLength = Ipv4Packet.MinimumHeaderLength + upperLength;
            PacketsOut++;
            if (IsLocal(destination))
            {
                frame.Length = EthernetFrame.HeaderLength + ipLength;
                if (!_loopback.Enqueue(frame))
                {
                    Drop(frame, DropReason.QueueFull);
                }

                return;
            }

            Interface.SendIp(frame, ipLength, destination, _node.Now);
        }

        /// <summary>Our address toward a destination: 127.0.0.1 on loopback, eth0's address otherwise.</summary>
        internal uint SourceFor(uint destination)
        {
            return Ipv4Address.IsLoopback(destination) ? LoopbackAddress : Interface.Address;
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

        private bool IsLocal(uint destination)
        {
            return destination == Interface.Address || Ipv4Address.IsLoopback(destination);
        }

        private void InputIp(PacketBuffer frame, long now)
        {
            int ipAt = frame.Offset + EthernetFrame.HeaderLength;
            WireError error = _ip.Parse(frame.Data, ipAt, frame.Length - EthernetFrame.HeaderLength);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            if (!IsLocal(_ip.Destination) && _ip.Destination != Ipv4Address.Broadcast && _ip.Destination != Interface.SubnetBroadcast)
            {
                Drop(frame, DropReason.NotForUs);
                return;
            }

            if (_ip.IsFragment)
            {
                Drop(frame, DropReason.Fragment);
                return;
            }

            switch (_ip.Protocol)
            {
                case IpProtocol.Icmp:
                    InputIcmp(frame, now);
                    return;
                case IpProtocol.Udp:
                    InputUdp(frame, now);
                    return;
                default:
                    Unreachable(frame, IcmpType.ProtocolUnreachable, now);
                    return;
            }
        }

        private void InputIcmp(PacketBuffer frame, long now)
        {
            WireError error = _icmp.Parse(frame.Data, _ip.PayloadOffset, _ip.PayloadLength);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            if (_icmp.Type == IcmpType.EchoRequest && _ip.Destination != Ipv4Address.Broadcast && _ip.Destination != Interface.SubnetBroadcast)
            {
                // Answer in the same buffer: the data stays where it is.
                int dataLength = _icmp.DataLength;
                uint to = _ip.Source;
                uint from = _ip.Destination;
                _icmp.Type = IcmpType.EchoReply;
                _icmp.Emit(frame.Data, _ip.PayloadOffset);
                frame.Offset = PacketBuffer.Headroom;
                if (_ip.PayloadOffset != frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength)
                {
                    // Options in the request: move the message up behind a plain header.
                    System.Array.Copy(frame.Data, _ip.PayloadOffset, frame.Data,
                        frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength, IcmpPacket.HeaderLength + dataLength);
                }

                SendIp(frame, IpProtocol.Icmp, from, to, IcmpPacket.HeaderLength + dataLength);
                return;
            }

            if (_icmp.Type == IcmpType.EchoReply)
            {
                for (int i = 0; i < _echoSockets.Length; i++)
                {
                    if (_echoSockets[i] != null && _echoSockets[i].Identifier == _icmp.Identifier)
                    {
                        _echoSockets[i].Deliver(_ip.Source, _icmp.SequenceNumber, _ip.Ttl, now);
                        break;
                    }
                }
            }

            _node.Pool.Return(frame);
        }

        private void InputUdp(PacketBuffer frame, long now)
        {
            WireError error = _udp.Parse(frame.Data, _ip.PayloadOffset, _ip.PayloadLength, _ip.Source, _ip.Destination);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            UdpSocket socket = FindUdp(_udp.DestinationPort);
            if (socket == null)
            {
                Unreachable(frame, IcmpType.PortUnreachable, now);
                return;
            }

            socket.Deliver(_ip.Source, _udp.SourcePort, frame.Data, _udp.PayloadOffset, _udp.PayloadLength);
            _node.Pool.Return(frame);
        }

        /// <summary>Answers with ICMP destination unreachable (as a Linux host does for a closed UDP port), then drops.</summary>
        private void Unreachable(PacketBuffer frame, byte code, long now)
        {
            _node.Drops.Count(DropReason.NoSocket);
            bool broadcast = _ip.Destination == Ipv4Address.Broadcast || _ip.Destination == Interface.SubnetBroadcast;
            PacketBuffer error = broadcast ? null : Rent();
            if (error != null)
            {
                int length = _icmpError.Build(error, IcmpType.DestinationUnreachable, code, _ip.Destination,
                    frame.Data, frame.Offset + EthernetFrame.HeaderLength, frame.Length - EthernetFrame.HeaderLength, now);
                if (length > 0)
                {
                    uint to = _icmpError.Destination;
                    if (IsLocal(to))
                    {
                        error.Length = EthernetFrame.HeaderLength + length;
                        if (!_loopback.Enqueue(error))
                        {
                            _node.Pool.Return(error);
                        }
                    }
                    else
                    {
                        Interface.SendIp(error, length, to, now);
                    }
                }
                else
                {
                    _node.Pool.Return(error);
                }
            }

            _node.Pool.Return(frame);
        }

        private UdpSocket FindUdp(ushort port)
        {
            for (int i = 0; i < _udpSockets.Length; i++)
            {
                if (_udpSockets[i] != null && _udpSockets[i].LocalPort == port)
                {
                    return _udpSockets[i];
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
