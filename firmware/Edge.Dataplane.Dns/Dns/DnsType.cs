namespace Edge.Dataplane.Dns
{
    /// <summary>Resource record types Edge answers or reads (IANA DNS parameters).</summary>
    public static class DnsType
    {
        public const ushort A = 1;
        public const ushort NS = 2;
        public const ushort CNAME = 5;
        public const ushort SOA = 6;
        public const ushort PTR = 12;
        public const ushort TXT = 16;
        public const ushort AAAA = 28;
        public const ushort SRV = 33;
        public const ushort OPT = 41;
        public const ushort ANY = 255;

        public const ushort ClassIN = 1;
        public const ushort ClassANY = 255;

        public static string Name(ushort type)
        {
            switch (type)
            {
                case A: return "A";
                case NS: return "NS";
                case CNAME: return "CNAME";
                case SOA: return "SOA";
                case PTR: return "PTR";
                case TXT: return "TXT";
                case AAAA: return "AAAA";
                case SRV: return "SRV";
                case OPT: return "OPT";
                case ANY: return "ANY";
                default: return "TYPE" + type.ToString();
            }
        }
    }
}
