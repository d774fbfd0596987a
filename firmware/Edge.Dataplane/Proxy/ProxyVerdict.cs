namespace Edge.Dataplane.Proxy
{
    /// <summary>What the proxy decided about a packet.</summary>
    public static class ProxyVerdict
    {
        /// <summary>Not a service packet: route it as it is.</summary>
        public const int Pass = 0;

        /// <summary>Rewritten (DNAT, SNAT or their reversal): route it to its new destination.</summary>
        public const int Translated = 1;

        /// <summary>A service with no endpoint to take it: answer ICMP port unreachable from the service IP, drop.</summary>
        public const int Reject = 2;

        /// <summary>Drop silently (conntrack full, or Local traffic policy with no local endpoint).</summary>
        public const int Drop = 3;
    }
}
