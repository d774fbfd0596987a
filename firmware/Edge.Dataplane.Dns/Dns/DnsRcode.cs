namespace Edge.Dataplane.Dns
{
    /// <summary>Response codes (RFC 1035 §4.1.1, RFC 6891 for BADVERS).</summary>
    public static class DnsRcode
    {
        public const int NoError = 0;
        public const int FormErr = 1;
        public const int ServFail = 2;
        public const int NXDomain = 3;
        public const int NotImp = 4;
        public const int Refused = 5;

        /// <summary>EDNS version not supported: 16, of which the low 4 bits go in the header, the rest in OPT.</summary>
        public const int BadVers = 16;

        // A switch, not a static array: the names stay in flash instead of an array on the heap.
        private static string NameAt(int i)
        {
            switch (i)
            {
                case 0: return "NOERROR";
                case 1: return "FORMERR";
                case 2: return "SERVFAIL";
                case 3: return "NXDOMAIN";
                case 4: return "NOTIMP";
                case 5: return "REFUSED";
                default: return null;
            }
        }

        public static string Name(int rcode)
        {
            return NameAt(rcode) ?? (rcode == BadVers ? "BADVERS" : "RCODE" + rcode.ToString());
        }
    }
}
