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

        private static readonly string[] Names =
        {
            "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
            "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
        };

        public static string Name(int state)
        {
            return state >= 0 && state < Names.Length ? Names[state] : "UNKNOWN";
        }

        /// <summary>States in which the peer's SYN has been seen and sequence numbers are synchronized.</summary>
        public static bool IsSynchronized(int state)
        {
            return state >= Established || state == SynReceived;
        }
    }
}
