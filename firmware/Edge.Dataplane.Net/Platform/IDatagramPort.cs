namespace Edge.Dataplane.Platform
{
    /// <summary>
    /// The board's UDP socket on its physical address: the only way frames leave a board, since
    /// lwIP owns the MAC (no raw Ethernet). The overlay sends VXLAN through it. Non-blocking:
    /// the node's poll loop asks for what has arrived.
    /// </summary>
    public interface IDatagramPort
    {
        /// <summary>The board's own IPv4 address (the VTEP address other boards send to).</summary>
        uint LocalAddress { get; }

        ushort LocalPort { get; }

        /// <summary>Sends one datagram; false when the platform could not (buffer full, no link).</summary>
        bool Send(uint address, ushort port, byte[] buffer, int offset, int length);

        /// <summary>
        /// Whether a datagram waits (asked without blocking, once a turn: an idle turn then
        /// takes no packet buffer to read nothing into).
        /// </summary>
        bool Readable { get; }

        /// <summary>
        /// Copies the next waiting datagram into buffer at offset and returns its length, or -1
        /// when none waits. A datagram longer than <paramref name="capacity"/> is cut to it.
        /// </summary>
        int Receive(byte[] buffer, int offset, int capacity, out uint address, out ushort port);
    }
}
