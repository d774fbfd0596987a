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

        /// <summary>A relayed connection (NodePort, LoadBalancer, egress) ended because nothing moved on it.</summary>
        public const int IdleTimeout = 24;

        /// <summary>A NetworkPolicy isolates the pod and no rule of it allows the packet's connection.</summary>
        public const int PolicyDenied = 25;

        public const int Count = 26;

        // A switch, not a static array: the names stay in flash instead of an array on the heap.
        private static string NameAt(int i)
        {
            switch (i)
            {
                case 0: return "truncated";
                case 1: return "malformed";
                case 2: return "bad-checksum";
                case 3: return "unsupported";
                case 4: return "no-buffer";
                case 5: return "queue-full";
                case 6: return "fragment";
                case 7: return "ttl-expired";
                case 8: return "no-route";
                case 9: return "arp-unresolved";
                case 10: return "arp-table-full";
                case 11: return "mac-table-full";
                case 12: return "not-for-us";
                case 13: return "wrong-vni";
                case 14: return "unknown-peer";
                case 15: return "no-socket";
                case 16: return "socket-buffer-full";
                case 17: return "pod-limit";
                case 18: return "socket-limit";
                case 19: return "too-big";
                case 20: return "send-failed";
                case 21: return "rate-limited";
                case 22: return "no-endpoint";
                case 23: return "egress-denied";
                case 24: return "idle-timeout";
                case 25: return "policy-denied";
                default: return null;
            }
        }

        public static string Name(int reason)
        {
            return NameAt(reason) ?? "unknown";
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
