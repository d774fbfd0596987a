namespace Edge.Dataplane.Net
{
    /// <summary>
    /// Sees frames the bridge switches between two pods without routing them, as Linux's
    /// br_netfilter lets iptables see bridged traffic: the service proxy translates replies
    /// from an endpoint to a client on the same node there. The frame may be anything a pod
    /// sent: the filter checks what it reads.
    /// </summary>
    public interface IBridgeFilter
    {
        void OnBridged(PacketBuffer frame, long now);
    }
}
