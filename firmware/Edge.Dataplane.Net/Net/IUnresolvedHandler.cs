namespace Edge.Dataplane.Net
{
    /// <summary>
    /// Told about a packet that waited for ARP in vain, before it is dropped: a router answers
    /// its sender with ICMP host unreachable (RFC 1812 §4.3.3.1), as Linux does.
    /// </summary>
    public interface IUnresolvedHandler
    {
        void OnUnresolved(PacketBuffer frame, long now);
    }
}
