namespace Edge.Dataplane.Proxy
{
    /// <summary>How a node picks an endpoint for a new connection, as kube-proxy's modes do.</summary>
    public static class ProxyMode
    {
        /// <summary>iptables mode: uniformly at random (the statistic-module probabilities 1/n, 1/(n-1), ...).</summary>
        public const int Random = 0;

        /// <summary>IPVS mode with the rr scheduler: each endpoint in turn.</summary>
        public const int RoundRobin = 1;

        public static string Name(int mode)
        {
            return mode == RoundRobin ? "ipvs" : "iptables";
        }
    }
}
