namespace Edge.Dataplane.Net
{
    /// <summary>What a hook on the packet path decided about a packet (netfilter's verdicts).</summary>
    public enum HookVerdict : byte
    {
        /// <summary>Not the hook's business: route the packet as it is (NF_ACCEPT).</summary>
        Accept = 0,

        /// <summary>Rewritten in place (DNAT, SNAT or their reversal): route it to its new destination.</summary>
        Translated = 1,

        /// <summary>
        /// Refused: answer ICMP port unreachable from the address the packet was sent to, then drop
        /// (iptables' REJECT, as kube-proxy uses it for a service with no endpoint).
        /// </summary>
        Reject = 2,

        /// <summary>Drop silently (NF_DROP): conntrack full, an INVALID segment, a Local traffic policy with no local endpoint.</summary>
        Drop = 3,
    }
}
