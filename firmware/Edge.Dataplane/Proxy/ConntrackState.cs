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

        private static readonly string[] Names = { "NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "TIME_WAIT", "CLOSE" };

        public static string Name(int state)
        {
            return state >= 0 && state < Names.Length ? Names[state] : "UNKNOWN";
        }
    }
}
