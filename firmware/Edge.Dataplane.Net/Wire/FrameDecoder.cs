namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// Decodes a whole Ethernet frame layer by layer into reusable Reprs, in the manner of
    /// gopacket's DecodingLayerParser: Ethernet, then ARP or IPv4, then ICMP, UDP or TCP; a UDP
    /// datagram to the VXLAN port continues into VXLAN and the inner frame the same way.
    ///
    /// One decoder per thread, allocated once; <see cref="Decode"/> allocates nothing. It stops
    /// at the first layer it cannot parse and says which (<see cref="FailedLayer"/>, <see cref="Error"/>),
    /// and quietly stops at protocols it does not know (an unknown EtherType is not an error).
    /// </summary>
    public sealed class FrameDecoder
    {
        public readonly EthernetRepr Ethernet = new EthernetRepr();
        public readonly ArpRepr Arp = new ArpRepr();
        public readonly Ipv4Repr Ipv4 = new Ipv4Repr();
        public readonly IcmpRepr Icmp = new IcmpRepr();
        public readonly UdpRepr Udp = new UdpRepr();
        public readonly TcpRepr Tcp = new TcpRepr();
        public readonly VxlanRepr Vxlan = new VxlanRepr();
        public readonly EthernetRepr InnerEthernet = new EthernetRepr();
        public readonly ArpRepr InnerArp = new ArpRepr();
        public readonly Ipv4Repr InnerIpv4 = new Ipv4Repr();
        public readonly IcmpRepr InnerIcmp = new IcmpRepr();
        public readonly UdpRepr InnerUdp = new UdpRepr();
        public readonly TcpRepr InnerTcp = new TcpRepr();

        /// <summary>UDP destination port treated as VXLAN (default 4789).</summary>
        public ushort VxlanPort = VxlanHeader.IanaPort;

        /// <summary><see cref="FrameLayer"/> flags of the layers that parsed.</summary>
        public int Layers;

        /// <summary>The <see cref="FrameLayer"/> that failed, or <see cref="FrameLayer.None"/>.</summary>
        public int FailedLayer;

        public WireError Error;

        public bool Has(int layer)
        {
            return (Layers & layer) != 0;
        }

        /// <summary>Decodes the frame at [offset, offset + length); returns <see cref="Error"/>.</summary>
        public WireError Decode(byte[] b, int offset, int length)
        {
            Layers = FrameLayer.None;
            FailedLayer = FrameLayer.None;
            Error = WireError.None;
            if (!DecodeFrame(b, offset, length, false))
            {
                return Error;
            }

            if (!Has(FrameLayer.Udp) || Udp.DestinationPort != VxlanPort)
            {
                return Error;
            }

            Error = Vxlan.Parse(b, Udp.PayloadOffset, Udp.PayloadLength);
            if (Error != WireError.None)
            {
                FailedLayer = FrameLayer.Vxlan;
                return Error;
            }

            Layers |= FrameLayer.Vxlan;
            DecodeFrame(b, Vxlan.FrameOffset, Vxlan.FrameLength, true);
            return Error;
        }

        // Decodes Ethernet and what it carries with the outer or the inner set of Reprs.
        // Returns false when a layer failed (Error and FailedLayer are set).
        private bool DecodeFrame(byte[] b, int offset, int length, bool inner)
        {
            int shift = inner ? FrameLayer.InnerShift : 0;
            EthernetRepr ethernet = inner ? InnerEthernet : Ethernet;
            if (!Record(ethernet.Parse(b, offset, length), FrameLayer.Ethernet << shift))
            {
                return false;
            }

            if (ethernet.EtherType == EtherType.Arp)
            {
                ArpRepr arp = inner ? InnerArp : Arp;
                return Record(arp.Parse(b, ethernet.PayloadOffset, ethernet.PayloadLength), FrameLayer.Arp << shift);
            }

            if (ethernet.EtherType != EtherType.Ipv4)
            {
                return true;
            }

            Ipv4Repr ip = inner ? InnerIpv4 : Ipv4;
            if (!Record(ip.Parse(b, ethernet.PayloadOffset, ethernet.PayloadLength), FrameLayer.Ipv4 << shift))
            {
                return false;
            }

            if (ip.IsFragment)
            {
                // No reassembly: the transport header is in the first fragment only.
                Error = WireError.Unsupported;
                FailedLayer = FrameLayer.Ipv4 << shift;
                return false;
            }

            switch (ip.Protocol)
            {
                case IpProtocol.Icmp:
                    IcmpRepr icmp = inner ? InnerIcmp : Icmp;
                    return Record(icmp.Parse(b, ip.PayloadOffset, ip.PayloadLength), FrameLayer.Icmp << shift);
                case IpProtocol.Udp:
                    UdpRepr udp = inner ? InnerUdp : Udp;
                    return Record(udp.Parse(b, ip.PayloadOffset, ip.PayloadLength, ip.Source, ip.Destination), FrameLayer.Udp << shift);
                case IpProtocol.Tcp:
                    TcpRepr tcp = inner ? InnerTcp : Tcp;
                    return Record(tcp.Parse(b, ip.PayloadOffset, ip.PayloadLength, ip.Source, ip.Destination), FrameLayer.Tcp << shift);
                default:
                    return true;
            }
        }

        private bool Record(WireError error, int layer)
        {
            if (error != WireError.None)
            {
                Error = error;
                FailedLayer = layer;
                return false;
            }

            Layers |= layer;
            return true;
        }
    }
}
