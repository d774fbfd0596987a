namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// A view of a TCP segment (RFC 9293 §3.1) in place in a buffer. The checked constructor
    /// validates the Data Offset against the bytes present; options are read by <see cref="TcpRepr"/>.
    ///
    /// <code>
    /// |          Source Port          |       Destination Port        |
    /// |                        Sequence Number                        |
    /// |                    Acknowledgment Number                      |
    /// |  Data |       |C|E|U|A|P|R|S|F|                               |
    /// | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
    /// |           Checksum            |         Urgent Pointer        |
    /// |                    Options                    |    Padding    |
    /// </code>
    /// </summary>
    public readonly struct TcpPacket
    {
        // Field offsets (RFC 9293 §3.1).
        internal const int SourcePortField = 0;
        internal const int DestinationPortField = 2;
        internal const int SequenceField = 4;
        internal const int AcknowledgmentField = 8;
        internal const int DataOffsetField = 12;
        internal const int FlagsField = 13;
        internal const int WindowField = 14;
        internal const int ChecksumField = 16;
        internal const int UrgentPointerField = 18;
        public const int MinimumHeaderLength = 20;
        public const int MaximumHeaderLength = 60;

        public readonly byte[] Buffer;
        public readonly int Offset;
        public readonly int Length;

        private TcpPacket(byte[] buffer, int offset, int length)
        {
            Buffer = buffer;
            Offset = offset;
            Length = length;
        }

        /// <summary>
        /// <paramref name="length"/> is the whole segment (the IP payload). The Data Offset must be
        /// at least 5 words and the header must fit.
        /// </summary>
        public static WireError Check(byte[] b, int offset, int length)
        {
            if (!WireErrors.InBounds(b, offset, length) || length < MinimumHeaderLength)
            {
                return WireError.Truncated;
            }

            int headerLength = (b[offset + DataOffsetField] >> 4) * 4;
            if (headerLength < MinimumHeaderLength)
            {
                return WireError.Malformed;
            }

            return headerLength > length ? WireError.Truncated : WireError.None;
        }

        public static WireError TryWrap(byte[] b, int offset, int length, out TcpPacket packet)
        {
            WireError error = Check(b, offset, length);
            packet = error == WireError.None ? new TcpPacket(b, offset, length) : default(TcpPacket);
            return error;
        }

        public ushort SourcePort
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + SourcePortField); }
            set { NetworkOrder.WriteU16(Buffer, Offset + SourcePortField, value); }
        }

        public ushort DestinationPort
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + DestinationPortField); }
            set { NetworkOrder.WriteU16(Buffer, Offset + DestinationPortField, value); }
        }

        public uint SequenceNumber
        {
            get { return NetworkOrder.ReadU32(Buffer, Offset + SequenceField); }
        }

        public uint AcknowledgmentNumber
        {
            get { return NetworkOrder.ReadU32(Buffer, Offset + AcknowledgmentField); }
        }

        public int HeaderLength
        {
            get { return (Buffer[Offset + DataOffsetField] >> 4) * 4; }
        }

        public byte Flags
        {
            get { return Buffer[Offset + FlagsField]; }
        }

        public ushort Window
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + WindowField); }
        }

        public ushort SegmentChecksum
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + ChecksumField); }
            set { NetworkOrder.WriteU16(Buffer, Offset + ChecksumField, value); }
        }

        public int PayloadOffset
        {
            get { return Offset + HeaderLength; }
        }

        public int PayloadLength
        {
            get { return Length - HeaderLength; }
        }

        public bool ChecksumValid(uint source, uint destination)
        {
            uint sum = Checksum.PseudoHeader(source, destination, IpProtocol.Tcp, Length);
            return Checksum.Finish(Checksum.Add(sum, Buffer, Offset, Length)) == 0;
        }
    }
}
