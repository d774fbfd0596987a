namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// A view of an IPv4 packet (RFC 791) in place in a buffer. The checked constructor validates
    /// version, IHL and Total Length against the bytes present, so every accessor is in bounds.
    ///
    /// <code>
    ///  0                   1                   2                   3
    ///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    /// |Version|  IHL  |Type of Service|          Total Length         |
    /// |         Identification        |Flags|      Fragment Offset    |
    /// |  Time to Live |    Protocol   |         Header Checksum       |
    /// |                       Source Address                          |
    /// |                    Destination Address                        |
    /// |                    Options                    |    Padding    |
    /// </code>
    /// </summary>
    public readonly struct Ipv4Packet
    {
        // Field offsets (RFC 791 §3.1).
        internal const int VersionIhlField = 0;
        internal const int TosField = 1;
        internal const int TotalLengthField = 2;
        internal const int IdentificationField = 4;
        internal const int FlagsFragmentField = 6;
        internal const int TtlField = 8;
        internal const int ProtocolField = 9;
        internal const int ChecksumField = 10;
        internal const int SourceField = 12;
        internal const int DestinationField = 16;

        /// <summary>The header without options (IHL 5).</summary>
        public const int MinimumHeaderLength = 20;

        /// <summary>IHL 15: 40 bytes of options.</summary>
        public const int MaximumHeaderLength = 60;

        internal const ushort DontFragmentFlag = 0x4000;
        internal const ushort MoreFragmentsFlag = 0x2000;
        internal const ushort FragmentOffsetMask = 0x1FFF;

        public readonly byte[] Buffer;
        public readonly int Offset;

        private Ipv4Packet(byte[] buffer, int offset)
        {
            Buffer = buffer;
            Offset = offset;
        }

        /// <summary>
        /// Checks what must hold before any field is trusted: version 4, IHL at least 5, the
        /// header and Total Length within the bytes present, Total Length not below the header.
        /// The checksum is checked separately (<see cref="ChecksumValid"/>).
        /// </summary>
        public static WireError Check(byte[] b, int offset, int length)
        {
            if (b == null || offset < 0 || length < MinimumHeaderLength || offset > b.Length - length)
            {
                return WireError.Truncated;
            }

            int versionIhl = b[offset + VersionIhlField];
            int headerLength = (versionIhl & 0x0F) * 4;
            if ((versionIhl >> 4) != 4 || headerLength < MinimumHeaderLength)
            {
                return WireError.Malformed;
            }

            if (headerLength > length)
            {
                return WireError.Truncated;
            }

            int totalLength = (b[offset + TotalLengthField] << 8) | b[offset + TotalLengthField + 1];
            if (totalLength < headerLength)
            {
                return WireError.Malformed;
            }

            return totalLength > length ? WireError.Truncated : WireError.None;
        }

        public static WireError TryWrap(byte[] b, int offset, int length, out Ipv4Packet packet)
        {
            WireError error = Check(b, offset, length);
            packet = error == WireError.None ? new Ipv4Packet(b, offset) : default(Ipv4Packet);
            return error;
        }

        public int HeaderLength
        {
            get { return (Buffer[Offset + VersionIhlField] & 0x0F) * 4; }
        }

        public int TotalLength
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + TotalLengthField); }
        }

        public byte TypeOfService
        {
            get { return Buffer[Offset + TosField]; }
            set { Buffer[Offset + TosField] = value; }
        }

        public ushort Identification
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + IdentificationField); }
        }

        public bool DontFragment
        {
            get { return (NetworkOrder.ReadU16(Buffer, Offset + FlagsFragmentField) & DontFragmentFlag) != 0; }
        }

        public bool MoreFragments
        {
            get { return (NetworkOrder.ReadU16(Buffer, Offset + FlagsFragmentField) & MoreFragmentsFlag) != 0; }
        }

        /// <summary>In 8-byte units, as on the wire.</summary>
        public int FragmentOffset
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + FlagsFragmentField) & FragmentOffsetMask; }
        }

        /// <summary>True for any piece of a fragmented datagram, which Edge drops and counts.</summary>
        public bool IsFragment
        {
            get { return (NetworkOrder.ReadU16(Buffer, Offset + FlagsFragmentField) & (MoreFragmentsFlag | FragmentOffsetMask)) != 0; }
        }

        public byte Ttl
        {
            get { return Buffer[Offset + TtlField]; }
            set { Buffer[Offset + TtlField] = value; }
        }

        public byte Protocol
        {
            get { return Buffer[Offset + ProtocolField]; }
        }

        public ushort HeaderChecksum
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + ChecksumField); }
            set { NetworkOrder.WriteU16(Buffer, Offset + ChecksumField, value); }
        }

        public uint Source
        {
            get { return NetworkOrder.ReadU32(Buffer, Offset + SourceField); }
            set { NetworkOrder.WriteU32(Buffer, Offset + SourceField, value); }
        }

        public uint Destination
        {
            get { return NetworkOrder.ReadU32(Buffer, Offset + DestinationField); }
            set { NetworkOrder.WriteU32(Buffer, Offset + DestinationField, value); }
        }

        public int PayloadOffset
        {
            get { return Offset + HeaderLength; }
        }

        public int PayloadLength
        {
            get { return TotalLength - HeaderLength; }
        }

        /// <summary>True when the header (options included) sums to zero.</summary>
        public bool ChecksumValid()
        {
            return Checksum.Compute(Buffer, Offset, HeaderLength) == 0;
        }

        /// <summary>Recomputes the header checksum after fields were changed in place.</summary>
        public void FillChecksum()
        {
            NetworkOrder.WriteU16(Buffer, Offset + ChecksumField, 0);
            NetworkOrder.WriteU16(Buffer, Offset + ChecksumField, Checksum.Compute(Buffer, Offset, HeaderLength));
        }

        /// <summary>
        /// Decrements TTL in place and patches the checksum (RFC 1624) rather than recomputing it:
        /// what a router does per hop. Returns the new TTL.
        /// </summary>
        public int DecrementTtl()
        {
            return DecrementTtl(Buffer, Offset);
        }

        /// <summary>
        /// The same on a header already checked at <paramref name="offset"/>: TTL down by one and
        /// the header checksum patched (RFC 1624: TTL is the high byte of the word it shares with
        /// Protocol, so that word went down by 0x0100). Returns the new TTL.
        /// </summary>
        public static int DecrementTtl(byte[] b, int offset)
        {
            int at = offset + TtlField;
            int ttl = b[at] - 1;
            b[at] = (byte)ttl;
            int c = offset + ChecksumField;
            uint sum = (uint)(~((b[c] << 8) | b[c + 1]) & 0xFFFF) + 0xFEFF; // ~HC + ~m + m' with m' - m = -0x0100
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = ~sum & 0xFFFF;
            b[c] = (byte)(sum >> 8);
            b[c + 1] = (byte)sum;
            return ttl;
        }
    }
}
