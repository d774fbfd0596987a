namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// EtherType values Edge knows by name (IEEE registry). A frame with any other value still
    /// parses; its type is just a number that <see cref="Name"/> shows as hex.
    /// </summary>
    public static class EtherType
    {
        public const ushort Ipv4 = 0x0800;
        public const ushort Arp = 0x0806;
        public const ushort Vlan = 0x8100;
        public const ushort Ipv6 = 0x86DD;

        /// <summary>Values below this are IEEE 802.3 length fields, not EtherTypes.</summary>
        public const ushort MinimumEtherType = 0x0600;

        public static string Name(ushort type)
        {
            switch (type)
            {
                case Ipv4: return "IPv4";
                case Arp: return "ARP";
                case Vlan: return "802.1Q";
                case Ipv6: return "IPv6";
                default: return "0x" + type.ToString("x4");
            }
        }
    }
}
