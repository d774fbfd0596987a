namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// How long an idle entry lives, per protocol and state, in milliseconds. Linux's defaults
    /// (nf_conntrack_*_timeout) except TCP established, which is an hour rather than five days:
    /// a board has a few hundred entries, and an established flow is never evicted early.
    /// Constants: nothing sets them, and an object of them was nine heap blocks on a board.
    /// </summary>
    public static class ConntrackTimeouts
    {
        public const int TcpSynSent = 120000;
        public const int TcpSynReceived = 60000;
        public const int TcpEstablished = 3600000;
        public const int TcpFinWait = 120000;
        public const int TcpTimeWait = 120000;
        public const int TcpClose = 10000;
        public const int UdpUnreplied = 30000;
        public const int UdpReplied = 120000;
        public const int Icmp = 30000;
    }
}
