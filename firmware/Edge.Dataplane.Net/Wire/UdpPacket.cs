namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// A view of a UDP datagram (RFC 768): source port, destination port, length, checksum.
    /// The checked constructor trusts the Length field only when it fits the bytes present.
    /// </summary>
    public readonly struct UdpPacket
    {
        // Field offsets (RFC 768).
        internal const int SourcePortField = 0;
        internal const int DestinationPortField = 2;
        internal const int LengthField = 4;
        internal const int ChecksumField = 6;
        public const int HeaderLength = 8;

        public readonly byte[] Buffer;
        public readonly int Offset;

        private UdpPacket(byte[] buffer, int offset)
        {
            Buffer = buffer;
            Offset = offset;
        }

        /// <summary>
        /// The header must fit, and the Length field must cover the header and lie within
        /// <paramref name="length"/> (the IP payload length).
        /// </summary>
        public static WireError Check(byte[] b, int offset, int length)
        {
            if (b == null || offset < 0 || length < HeaderLength || offset > b.Length - length)
            {
                return WireError.Truncated;
            }

            int udpLength = (b[offset + LengthField] << 8) | b[offset + LengthField + 1];
            if (udpLength < HeaderLength)
            {
                return WireError.Malformed;
            }

            return udpLength > length ? WireError.Truncated : WireError.None;
        }

        public static WireError TryWrap(byte[] b, int offset, int length, out UdpPacket packet)
        {
            WireError error = Check(b, offset, length);
            packet = error == WireError.None ? new UdpPacket(b, offset) : default(UdpPacket);
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

        /// <summary>Header plus payload, from the Length field.</summary>
        public int Length
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + LengthField); }
        }

        /// <summary>Zero means the sender computed none (allowed over IPv4).</summary>
        public ushort DatagramChecksum
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

        /// <summary>True when the checksum is absent (zero) or verifies over the pseudo-header.</summary>
        public bool ChecksumValid(uint source, uint destination)
        {
            if (DatagramChecksum == 0)
            {
                return true;
            }

            uint sum = Checksum.PseudoHeader(source, destination, IpProtocol.Udp, Length);
            return Checksum.Finish(Checksum.Add(sum, Buffer, Offset, Length)) == 0;
        }
    }
}
