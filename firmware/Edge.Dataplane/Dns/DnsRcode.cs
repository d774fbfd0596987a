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

        private static readonly string[] Names = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };

        public static string Name(int rcode)
        {
            return rcode >= 0 && rcode < Names.Length ? Names[rcode] : rcode == BadVers ? "BADVERS" : "RCODE" + rcode.ToString();
        }
    }
}
