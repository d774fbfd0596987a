namespace Edge.Dataplane.Platform
{
    /// <summary>
    /// A monotonic clock in milliseconds: it never goes back and does not follow wall-clock
    /// changes (SNTP). Timers, ARP ageing and TCP retransmission read it; a simulation drives
    /// its own.
    /// </summary>
    public interface IClock
    {
        long Milliseconds { get; }
    }
}
