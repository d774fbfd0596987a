namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// A view of a VXLAN header (RFC 7348 §5), carried in UDP and followed by the inner
    /// Ethernet frame:
    /// <code>
    /// |R|R|R|R|I|R|R|R|            Reserved                           |
    /// |                VXLAN Network Identifier (VNI) |   Reserved    |
    /// </code>
    /// </summary>
    public readonly struct VxlanHeader
    {
        // Field offsets (RFC 7348 §5).
        internal const int FlagsField = 0;
        internal const int VniField = 4;
        public const int Length = 8;

        /// <summary>The I flag: "MUST be set to 1 for a valid VXLAN Network ID".</summary>
        public const byte ValidVniFlag = 0x08;

        /// <summary>The IANA port (RFC 7348 §5). Linux's vxlan driver defaults to 8472 unless told dstport 4789.</summary>
        public const ushort IanaPort = 4789;

        /// <summary>The port of the Linux kernel's pre-IANA default.</summary>
        public const ushort LinuxLegacyPort = 8472;

        public const uint MaximumVni = 0xFFFFFF;

        public readonly byte[] Buffer;
        public readonly int Offset;
        public readonly int FrameLength;

        private VxlanHeader(byte[] buffer, int offset, int frameLength)
        {
            Buffer = buffer;
            Offset = offset;
            FrameLength = frameLength;
        }

        /// <summary>
        /// The 8 bytes must be present and the I flag set. The reserved bits are ignored on
        /// receipt, as the RFC says.
        /// </summary>
        public static WireError Check(byte[] b, int offset, int length)
        {
            if (!WireErrors.InBounds(b, offset, length) || length < Length)
            {
                return WireError.Truncated;
            }

            return (b[offset + FlagsField] & ValidVniFlag) == 0 ? WireError.Malformed : WireError.None;
        }

        public static WireError TryWrap(byte[] b, int offset, int length, out VxlanHeader header)
        {
            WireError error = Check(b, offset, length);
            header = error == WireError.None ? new VxlanHeader(b, offset, length - Length) : default(VxlanHeader);
            return error;
        }

        public uint Vni
        {
            get { return NetworkOrder.ReadU24(Buffer, Offset + VniField); }
            set { NetworkOrder.WriteU24(Buffer, Offset + VniField, value); }
        }

        /// <summary>Where the inner Ethernet frame starts.</summary>
        public int FrameOffset
        {
            get { return Offset + Length; }
        }
    }
}
