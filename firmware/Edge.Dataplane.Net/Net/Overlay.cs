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
        private readonly Ipv4Repr _outerIp = new Ipv4Repr();
        private readonly UdpRepr _outerUdp = new UdpRepr();
        private readonly EthernetRepr _outerEthernet = new EthernetRepr();

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
        // capture shows the datagram as it crossed the wire.
        private void Capture(PacketBuffer frame, int vxlanAt, uint source, ushort sourcePort, uint destination, ushort destinationPort, long now)
        {
            int udpLength = VxlanHeader.Length + frame.Length;
            int start = vxlanAt - OuterHeaders;
            _outerUdp.SourcePort = sourcePort;
            _outerUdp.DestinationPort = destinationPort;
            _outerUdp.HasChecksum = false;
            _outerUdp.PayloadLength = udpLength;
            _outerUdp.Emit(frame.Data, vxlanAt - UdpPacket.HeaderLength, source, destination);
            _outerIp.Source = source;
            _outerIp.Destination = destination;
            _outerIp.Protocol = IpProtocol.Udp;
            _outerIp.Ttl = 64;
            _outerIp.TypeOfService = 0;
            _outerIp.Identification = 0;
            _outerIp.DontFragment = false;
            _outerIp.MoreFragments = false;
            _outerIp.FragmentOffset = 0;
            _outerIp.PayloadLength = UdpPacket.HeaderLength + udpLength;
            _outerIp.Emit(frame.Data, start + EthernetFrame.HeaderLength);
            _outerEthernet.Source = 0x020000000000UL | source;
            _outerEthernet.Destination = 0x020000000000UL | destination;
            _outerEthernet.EtherType = EtherType.Ipv4;
            _outerEthernet.Emit(frame.Data, start);
            Tap.Capture(PacketTap.OverlayPoint, frame.Data, start, OuterHeaders + udpLength, now);
        }

        private void Drop(PacketBuffer frame, int reason)
        {
            _node.Drops.Count(reason);
            _node.Pool.Return(frame);
        }
    }
}
