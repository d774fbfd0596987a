namespace Edge.Dataplane.Net
{
    /// <summary>
    /// Where a sandbox's outgoing IPv4 packets go: a pod's eth0 on the bridge, or, for the
    /// node's own (host network) sandbox, straight into the gateway's routing.
    /// </summary>
    public interface IIpOutput
    {
        /// <summary>Sends the IPv4 packet of ipLength bytes at frame.Offset + 14 (the callee owns the buffer).</summary>
        void SendIp(PacketBuffer frame, int ipLength, uint destination, long now);
    }
}
