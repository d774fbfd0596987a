namespace Edge.Dataplane.Wire
{
    /// <summary>IPv4 protocol numbers Edge knows by name (IANA registry); others keep their number.</summary>
    public static class IpProtocol
    {
        public const byte Icmp = 1;
        public const byte Tcp = 6;
        public const byte Udp = 17;

        public static string Name(byte protocol)
        {
            switch (protocol)
            {
                case Icmp: return "ICMP";
                case Tcp: return "TCP";
                case Udp: return "UDP";
                default: return "proto " + protocol.ToString();
            }
        }
    }
}
