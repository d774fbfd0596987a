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

        private static readonly string[] Names =
        {
            "Ethernet", "ARP", "IPv4", "ICMP", "UDP", "TCP", "VXLAN",
            "inner Ethernet", "inner ARP", "inner IPv4", "inner ICMP", "inner UDP", "inner TCP",
        };

        /// <summary>The name of a single layer flag, e.g. "inner TCP".</summary>
        public static string Name(int layer)
        {
            for (int i = 0; i < Names.Length; i++)
            {
                if (layer == 1 << i)
                {
                    return Names[i];
                }
            }

            return "none";
        }
    }
}
