namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// How long an idle entry lives, per protocol and state, in milliseconds. Linux's defaults
    /// (nf_conntrack_*_timeout) except TCP established, which is an hour rather than five days:
    /// a board has a few hundred entries, and an established flow is never evicted early.
    /// </summary>
    public sealed class ConntrackTimeouts
    {
        public int TcpSynSent = 120000;
        public int TcpSynReceived = 60000;
        public int TcpEstablished = 3600000;
        public int TcpFinWait = 120000;
        public int TcpTimeWait = 120000;
        public int TcpClose = 10000;
        public int UdpUnreplied = 30000;
        public int UdpReplied = 120000;
        public int Icmp = 30000;
    }
}
