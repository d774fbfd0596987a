namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// The 12-byte DNS header (RFC 1035 §4.1.1):
    /// <code>
    /// |                      ID                       |
    /// |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
    /// |                    QDCOUNT                    |
    /// |                    ANCOUNT                    |
    /// |                    NSCOUNT                    |
    /// |                    ARCOUNT                    |
    /// </code>
    /// </summary>
    public static class DnsHeader
    {
        public const int Length = 12;
        public const int IdField = 0;
        public const int FlagsField = 2;
        public const int QuestionCountField = 4;
        public const int AnswerCountField = 6;
        public const int AuthorityCountField = 8;
        public const int AdditionalCountField = 10;

        public const ushort QrFlag = 0x8000;
        public const ushort AaFlag = 0x0400;
        public const ushort TcFlag = 0x0200;
        public const ushort RdFlag = 0x0100;
        public const ushort RaFlag = 0x0080;

        public static int Opcode(ushort flags)
        {
            return (flags >> 11) & 0x0F;
        }
    }
}
