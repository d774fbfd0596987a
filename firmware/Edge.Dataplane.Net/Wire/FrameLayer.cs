namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// Bit flags naming the layers <see cref="FrameDecoder"/> decoded, outer and inner (inside
    /// VXLAN). Flags rather than a list, so a decode allocates nothing.
    /// </summary>
    public static class FrameLayer
    {
        public const int None = 0;
        public const int Ethernet = 1 << 0;
        public const int Arp = 1 << 1;
        public const int Ipv4 = 1 << 2;
        public const int Icmp = 1 << 3;
        public const int Udp = 1 << 4;
        public const int Tcp = 1 << 5;
        public const int Vxlan = 1 << 6;
        public const int InnerEthernet = 1 << 7;
        public const int InnerArp = 1 << 8;
        public const int InnerIpv4 = 1 << 9;
        public const int InnerIcmp = 1 << 10;
        public const int InnerUdp = 1 << 11;
        public const int InnerTcp = 1 << 12;

        /// <summary>How far inner flags are shifted from the outer ones (Ethernet..Tcp).</summary>
        internal const int InnerShift = 7;

        /// <summary>The name of a single layer flag, e.g. "inner TCP".</summary>
        public static string Name(int layer)
        {
            // A switch over literals, not a static array of them: the texts stay in flash and the
            // board's heap holds no table of names only tools print.
            switch (layer)
            {
                case Ethernet: return "Ethernet";
                case Arp: return "ARP";
                case Ipv4: return "IPv4";
                case Icmp: return "ICMP";
                case Udp: return "UDP";
                case Tcp: return "TCP";
                case Vxlan: return "VXLAN";
                case InnerEthernet: return "inner Ethernet";
                case InnerArp: return "inner ARP";
                case InnerIpv4: return "inner IPv4";
                case InnerIcmp: return "inner ICMP";
                case InnerUdp: return "inner UDP";
                case InnerTcp: return "inner TCP";
            }

            return "none";
        }
    }
}
