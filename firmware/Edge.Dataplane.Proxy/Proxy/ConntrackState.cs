namespace Edge.Dataplane.Proxy
{
    /// <summary>Connection-tracking states, named as `conntrack -L` prints them.</summary>
    public static class ConntrackState
    {
        public const int None = 0;
        public const int SynSent = 1;
        public const int SynReceived = 2;
        public const int Established = 3;
        public const int FinWait = 4;
        public const int TimeWait = 5;
        public const int Close = 6;

        // A switch, not a static array: the names stay in flash instead of an array on the heap.
        private static string NameAt(int i)
        {
            switch (i)
            {
                case 0: return "NONE";
                case 1: return "SYN_SENT";
                case 2: return "SYN_RECV";
                case 3: return "ESTABLISHED";
                case 4: return "FIN_WAIT";
                case 5: return "TIME_WAIT";
                case 6: return "CLOSE";
                default: return null;
            }
        }

        public static string Name(int state)
        {
            return NameAt(state) ?? "UNKNOWN";
        }
    }
}
