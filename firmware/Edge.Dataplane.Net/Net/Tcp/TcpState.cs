namespace Edge.Dataplane.Net.Tcp
{
    /// <summary>The connection states of RFC 9293 §3.3.2, with the names netstat and ss print.</summary>
    public static class TcpState
    {
        public const int Closed = 0;
        public const int Listen = 1;
        public const int SynSent = 2;
        public const int SynReceived = 3;
        public const int Established = 4;
        public const int FinWait1 = 5;
        public const int FinWait2 = 6;
        public const int CloseWait = 7;
        public const int Closing = 8;
        public const int LastAck = 9;
        public const int TimeWait = 10;

        // A switch, not a static array: the names stay in flash instead of an array on the heap.
        private static string NameAt(int i)
        {
            switch (i)
            {
                case 0: return "CLOSED";
                case 1: return "LISTEN";
                case 2: return "SYN-SENT";
                case 3: return "SYN-RECEIVED";
                case 4: return "ESTABLISHED";
                case 5: return "FIN-WAIT-1";
                case 6: return "FIN-WAIT-2";
                case 7: return "CLOSE-WAIT";
                case 8: return "CLOSING";
                case 9: return "LAST-ACK";
                case 10: return "TIME-WAIT";
                default: return null;
            }
        }

        public static string Name(int state)
        {
            return NameAt(state) ?? "UNKNOWN";
        }

        /// <summary>States in which the peer's SYN has been seen and sequence numbers are synchronized.</summary>
        public static bool IsSynchronized(int state)
        {
            return state >= Established || state == SynReceived;
        }
    }
}
