namespace Edge.Dataplane.Net
{
    /// <summary>Something plugged into the node bridge: a pod's eth0, or the node's gateway.</summary>
    public interface IBridgePort
    {
        /// <summary>Takes a frame the bridge forwards to this port (and owns the buffer from then on).</summary>
        void Deliver(PacketBuffer frame, long now);
    }
}
