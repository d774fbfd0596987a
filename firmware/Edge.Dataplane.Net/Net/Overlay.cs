using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// VXLAN (RFC 7348) between nodes over the board's UDP socket: frames for another node's
    /// pods get an 8-byte VXLAN header in their headroom and go to that node's address and
    /// port; the platform adds UDP, IPv4 and Ethernet. Received datagrams must carry our VNI and
    /// come from a known peer (a node in the route table), else they are dropped and counted.
    /// </summary>
    public sealed class Overlay
    {
        private const int OuterHeaders = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + UdpPacket.HeaderLength;

        private readonly NodeContext _node;
        private readonly IDatagramPort _port;
        private readonly RouteTable _routes;
        private readonly VxlanRepr _vxlan = new VxlanRepr();

        public readonly uint Vni;
        public readonly ulong VtepMac;

        public long Sent;
        public long Received;

        /// <summary>Mirror of overlay traffic, or null.</summary>
        public PacketTap Tap;

        public Overlay(NodeContext node, IDatagramPort port, RouteTable routes)
        {
            _node = node;
            _port = port;
            _routes = routes;
            Vni = node.Config.Vni;
            VtepMac = NodeConfig.VtepMacFor(node.Config.PodNetwork);
        }

        /// <summary>Encapsulates the frame and sends it to the VTEP of <paramref name="route"/>; the buffer goes back to the pool.</summary>
        public void Send(PacketBuffer frame, int route, long now)
        {
            int at = frame.Offset - VxlanHeader.Length;
            _vxlan.Vni = Vni;
            _vxlan.Emit(frame.Data, at);
            uint peer = _routes.PeerAddress(route);
            ushort peerPort = _routes.PeerPort(route);
            PacketTrace trace = _node.Trace;
            if (trace != null && trace.Marked(frame.Data, frame.Offset, frame.Length))
            {
                trace.Record(PacketTrace.Encapsulated, peer, Vni, frame.Data, frame.Offset, frame.Length);
            }

            if (Tap != null)
            {
                Capture(frame, at, _port.LocalAddress, _port.LocalPort, peer, peerPort, now);
            }

            if (_port.Send(peer, peerPort, frame.Data, at, frame.Length + VxlanHeader.Length))
            {
                Sent++;
            }
            else
            {
                _node.Drops.Count(DropReason.SendFailed);
            }

            _node.Pool.Return(frame);
        }

        /// <summary>Whether a datagram waits on the board's socket (a turn asks once, before it rents a buffer to read it).</summary>
        public bool Readable
        {
            get { return _port.Readable; }
        }

        /// <summary>
        /// The next inner frame from a known peer (at frame.Offset, headroom intact), or null
        /// when no datagram waits. <paramref name="route"/> is the sender's route. Bad datagrams
        /// are dropped and counted, and the next one is tried.
        /// </summary>
        public PacketBuffer Receive(long now, out int route)
        {
            route = -1;
            while (true)
            {
                PacketBuffer frame = _node.Pool.Rent();
                if (frame == null)
                {
                    _node.Drops.Count(DropReason.NoBuffer);
                    return null;
                }

                int at = PacketBuffer.Headroom - VxlanHeader.Length;
                uint from;
                ushort fromPort;
                int length = _port.Receive(frame.Data, at, PacketBuffer.Capacity - at, out from, out fromPort);
                if (length < 0)
                {
                    _node.Pool.Return(frame);
                    return null;
                }

                WireError error = _vxlan.Parse(frame.Data, at, length);
                if (error != WireError.None)
                {
                    Drop(frame, DropReason.Of(error));
                    continue;
                }

                if (_vxlan.Vni != Vni)
                {
                    Drop(frame, DropReason.WrongVni);
                    continue;
                }

                route = _routes.FindPeer(from, fromPort);
                if (route < 0)
                {
                    Drop(frame, DropReason.UnknownPeer);
                    continue;
                }

                frame.Offset = PacketBuffer.Headroom;
                frame.Length = _vxlan.FrameLength;
                if (Tap != null)
                {
                    Capture(frame, at, from, fromPort, _port.LocalAddress, _port.LocalPort, now);
                }

                Received++;
                return frame;
            }
        }

        // Writes synthetic outer Ethernet/IPv4/UDP headers in front of the VXLAN header so the
        // capture shows the datagram as it crossed the wire: with the node's shared output
        // headers (filled and emitted here in one go), not three of the overlay's own that only
        // a capture would use.
        private void Capture(PacketBuffer frame, int vxlanAt, uint source, ushort sourcePort, uint destination, ushort destinationPort, long now)
        {
            int udpLength = VxlanHeader.Length + frame.Length;
            int start = vxlanAt - OuterHeaders;
            int udpAt = vxlanAt - UdpPacket.HeaderLength;
            NetworkOrder.WriteU16(frame.Data, udpAt + UdpPacket.SourcePortField, sourcePort);
            NetworkOrder.WriteU16(frame.Data, udpAt + UdpPacket.DestinationPortField, destinationPort);
            NetworkOrder.WriteU16(frame.Data, udpAt + UdpPacket.LengthField, (ushort)(UdpPacket.HeaderLength + udpLength));
            NetworkOrder.WriteU16(frame.Data, udpAt + UdpPacket.ChecksumField, 0); // none, as the VXLAN RFC allows
            Ipv4Repr outerIp = _node.IpOut;
            EthernetRepr outerEthernet = _node.EthernetOut;
            outerIp.Source = source;
            outerIp.Destination = destination;
            outerIp.Protocol = IpProtocol.Udp;
            outerIp.Ttl = 64;
            outerIp.TypeOfService = 0;
            outerIp.Identification = 0;
            outerIp.DontFragment = false;
            outerIp.MoreFragments = false;
            outerIp.FragmentOffset = 0;
            outerIp.PayloadLength = UdpPacket.HeaderLength + udpLength;
            outerIp.Emit(frame.Data, start + EthernetFrame.HeaderLength);
            outerEthernet.Source = 0x020000000000UL | source;
            outerEthernet.Destination = 0x020000000000UL | destination;
            outerEthernet.EtherType = EtherType.Ipv4;
            outerEthernet.Emit(frame.Data, start);
            Tap.Capture(PacketTap.OverlayPoint, frame.Data, start, OuterHeaders + udpLength, now);
        }

        private void Drop(PacketBuffer frame, int reason)
        {
            _node.Drops.Count(reason, frame);
            _node.Pool.Return(frame);
        }
    }
}
