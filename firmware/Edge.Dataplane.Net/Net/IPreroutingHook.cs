namespace Edge.Dataplane.Net
{
    /// <summary>
    /// The first point a routed packet passes on a node, as netfilter's PRE_ROUTING: from a pod
    /// over the bridge, or from another node over the overlay, before the routing decision. A
    /// hook may rewrite the packet in place (a service's DNAT, a reply's un-DNAT) and says so;
    /// the gateway then routes it by its new destination. Net names no hook: the node registers
    /// them where it is assembled (the service proxy, today).
    /// </summary>
    public interface IPreroutingHook
    {
        /// <summary>b[ip..] is the IPv4 header of a parsed, checksum-verified packet of <paramref name="ipLength"/> bytes.</summary>
        HookVerdict Prerouting(byte[] b, int ip, int ipLength, long now);
    }
}
