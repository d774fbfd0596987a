namespace Edge.Dataplane.Net
{
    /// <summary>
    /// Why a frame was dropped or a request refused. Every drop is counted under one of these
    /// (see <see cref="DropCounters"/>); the names are what `edgectl` and the board console show.
    /// </summary>
    public static class DropReason
    {
        public const int Truncated = 0;
        public const int Malformed = 1;
        public const int BadChecksum = 2;
        public const int Unsupported = 3;
        public const int NoBuffer = 4;
        public const int QueueFull = 5;
        public const int Fragment = 6;
        public const int TtlExpired = 7;
        public const int NoRoute = 8;
        public const int ArpUnresolved = 9;
        public const int ArpTableFull = 10;
        public const int MacTableFull = 11;
        public const int NotForUs = 12;
        public const int WrongVni = 13;
        public const int UnknownPeer = 14;
        public const int NoSocket = 15;
        public const int SocketBufferFull = 16;
        public const int PodLimit = 17;
        public const int SocketLimit = 18;
        public const int TooBig = 19;
        public const int SendFailed = 20;
        public const int RateLimited = 21;
        public const int NoEndpoint = 22;
        public const int EgressDenied = 23;

        public const int Count = 24;

        private static readonly string[] Names =
        {
            "truncated", "malformed", "bad-checksum", "unsupported", "no-buffer", "queue-full", "fragment",
            "ttl-expired", "no-route", "arp-unresolved", "arp-table-full", "mac-table-full", "not-for-us",
            "wrong-vni", "unknown-peer", "no-socket", "socket-buffer-full", "pod-limit", "socket-limit",
            "too-big", "send-failed", "rate-limited", "no-endpoint", "egress-denied",
        };

        public static string Name(int reason)
        {
            return reason >= 0 && reason < Names.Length ? Names[reason] : "unknown";
        }

        /// <summary>The drop reason for a wire parse error.</summary>
        public static int Of(Wire.WireError error)
        {
            switch (error)
            {
                case Wire.WireError.Truncated: return Truncated;
                case Wire.WireError.BadChecksum: return BadChecksum;
                case Wire.WireError.Unsupported: return Unsupported;
                default: return Malformed;
            }
        }
    }
}
