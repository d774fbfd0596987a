namespace Edge.Dataplane.Net
{
    /// <summary>
    /// One frame's storage, taken from a <see cref="PacketPool"/> and given back when the frame
    /// is delivered or dropped. A frame starts at <see cref="Offset"/>; the bytes before it are
    /// headroom, so the overlay can put a VXLAN header in front without copying the frame.
    /// </summary>
    public sealed class PacketBuffer
    {
        /// <summary>Room in front of every frame for encapsulation (VXLAN needs 8; captures synthesize 42 more).</summary>
        public const int Headroom = 64;

        /// <summary>An Ethernet frame of 1514 bytes plus headroom, rounded up.</summary>
        public const int Capacity = 1600;

        public readonly byte[] Data = new byte[Capacity];

        /// <summary>Where the frame (Ethernet header) starts.</summary>
        public int Offset = Headroom;

        /// <summary>Bytes of frame from <see cref="Offset"/>.</summary>
        public int Length;

        /// <summary>The bridge port the frame came in on (set by the bridge).</summary>
        public int Port;

        /// <summary>
        /// Set when this node built the frame (a pod's stack or the node's own), so its IPv4 and
        /// transport checksums are right by construction and inputs on the node need not sum them
        /// again, as Linux marks the packets of its own stack CHECKSUM_UNNECESSARY. Rewrites keep
        /// checksums right (RFC 1624 updates for NAT and TTL), so it survives them. A frame from
        /// the overlay (another board, or anyone on the LAN) never carries it: it is verified.
        /// </summary>
        public bool ChecksumsValid;

        /// <summary>The pool's index of this buffer.</summary>
        internal int Index;

        /// <summary>While an interface holds the frame for ARP: the next hop it waits for, since when, and the frame held after it.</summary>
        internal uint PendingHop;
        internal long PendingSince;
        internal PacketBuffer NextPending;

        /// <summary>Largest frame that fits after the headroom.</summary>
        public const int MaximumFrame = Capacity - Headroom;

        public void Reset()
        {
            Offset = Headroom;
            Length = 0;
            Port = 0;
            ChecksumsValid = false;
        }
    }
}
