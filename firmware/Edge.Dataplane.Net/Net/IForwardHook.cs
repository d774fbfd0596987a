namespace Edge.Dataplane.Net
{
    /// <summary>
    /// The point a packet passes between two pods, or between a pod and another node, after the
    /// prerouting hooks translated it (netfilter's FORWARD, where policy engines such as
    /// Calico's and kube-router's filter): the gateway calls it for what it routes, the bridge for
    /// what it switches from pod to pod. Traffic the node itself sends or receives does not pass
    /// it. Net names no hook: the node registers them where it is assembled (the policy engine, today).
    /// </summary>
    public interface IForwardHook
    {
        /// <summary>
        /// b[ip..] is the IPv4 header of a packet of <paramref name="ipLength"/> bytes, as it will
        /// leave. When a prerouting hook rewrote it, <paramref name="sentSource"/>,
        /// <paramref name="sentDestination"/> and <paramref name="sentPorts"/> (source port in the
        /// high half) are what it carried before (a reply's un-DNAT hides the endpoint that sent
        /// it); otherwise all three are 0. Accept or Drop.
        /// </summary>
        HookVerdict Forward(byte[] b, int ip, int ipLength, uint sentSource, uint sentDestination, uint sentPorts, long now);
    }
}
