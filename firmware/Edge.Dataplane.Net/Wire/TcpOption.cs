namespace Edge.Dataplane.Wire
{
    /// <summary>TCP option kinds (IANA registry) that Edge reads or writes.</summary>
    public static class TcpOption
    {
        public const byte EndOfList = 0;
        public const byte NoOperation = 1;
        public const byte MaximumSegmentSize = 2;   // RFC 9293 §3.2, length 4
        public const byte WindowScale = 3;          // RFC 7323 §2, length 3
        public const byte SackPermitted = 4;        // RFC 2018, length 2
        public const byte Sack = 5;                 // RFC 2018, length 2 + 8n
        public const byte Timestamps = 8;           // RFC 7323 §3, length 10

        /// <summary>RFC 7323 §2.3: a shift above 14 is used as 14.</summary>
        public const int MaximumWindowScale = 14;
    }
}
