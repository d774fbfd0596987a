namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// The parsed form of a UDP header; reused across packets. The checksum covers the IPv4
    /// pseudo-header, so Parse and Emit take the addresses.
    /// </summary>
    public sealed class UdpRepr
    {
        public ushort SourcePort;
        public ushort DestinationPort;

        /// <summary>Where the payload starts (set by Parse and Emit).</summary>
        public int PayloadOffset;

        public int PayloadLength;

        /// <summary>False when the datagram carried a zero checksum (RFC 768: "no checksum").</summary>
        public bool HasChecksum;

        /// <summary>
        /// Reads the header at offset, where <paramref name="length"/> is the IP payload length;
        /// a non-zero checksum must verify.
        /// </summary>
        public WireError Parse(byte[] b, int offset, int length, uint source, uint destination)
        {
            return Parse(b, offset, length, source, destination, false);
        }

        /// <summary>Parses; with <paramref name="checksumKnownGood"/> (the node built the datagram) the checksum is not summed again.</summary>
        public WireError Parse(byte[] b, int offset, int length, uint source, uint destination, bool checksumKnownGood)
        {
            WireError error = UdpPacket.Check(b, offset, length);
            if (error != WireError.None)
            {
                return error;
            }

            int udpLength = (b[offset + UdpPacket.LengthField] << 8) | b[offset + UdpPacket.LengthField + 1];
            HasChecksum = (b[offset + UdpPacket.ChecksumField] | b[offset + UdpPacket.ChecksumField + 1]) != 0;
            if (HasChecksum && !checksumKnownGood)
            {
                uint sum = Checksum.PseudoHeader(source, destination, IpProtocol.Udp, udpLength);
                if (Checksum.Finish(Checksum.Add(sum, b, offset, udpLength)) != 0)
                {
                    return WireError.BadChecksum;
                }
            }

            SourcePort = (ushort)((b[offset + UdpPacket.SourcePortField] << 8) | b[offset + UdpPacket.SourcePortField + 1]);
            DestinationPort = (ushort)((b[offset + UdpPacket.DestinationPortField] << 8) | b[offset + UdpPacket.DestinationPortField + 1]);
            PayloadOffset = offset + UdpPacket.HeaderLength;
            PayloadLength = udpLength - UdpPacket.HeaderLength;
            return WireError.None;
        }

        /// <summary>
        /// Writes the header for the <see cref="PayloadLength"/> bytes already placed after it.
        /// With <see cref="HasChecksum"/> false the checksum is sent as zero, as RFC 7348 §5
        /// recommends for the outer UDP header of VXLAN; a computed zero is sent as 0xFFFF. The
        /// header's own words enter the sum as values; only the payload is summed from the buffer.
        /// </summary>
        public void Emit(byte[] b, int offset, uint source, uint destination)
        {
            int udpLength = UdpPacket.HeaderLength + PayloadLength;
            b[offset] = (byte)(SourcePort >> 8);
            b[offset + 1] = (byte)SourcePort;
            b[offset + 2] = (byte)(DestinationPort >> 8);
            b[offset + 3] = (byte)DestinationPort;
            b[offset + 4] = (byte)(udpLength >> 8);
            b[offset + 5] = (byte)udpLength;
            int value = 0;
            if (HasChecksum)
            {
                // RFC 768: the pseudo-header (addresses, protocol, length), the header's words (the
                // length a second time), then the payload; folded and complemented.
                uint sum = (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF)
                    + IpProtocol.Udp + (uint)udpLength + SourcePort + DestinationPort + (uint)udpLength;
                sum = Checksum.Add(sum, b, offset + UdpPacket.HeaderLength, PayloadLength);
                sum = (sum & 0xFFFF) + (sum >> 16);
                sum = (sum & 0xFFFF) + (sum >> 16);
                value = (int)(~sum & 0xFFFF);
                if (value == 0)
                {
                    value = 0xFFFF;
                }
            }

            b[offset + 6] = (byte)(value >> 8);
            b[offset + 7] = (byte)value;
            PayloadOffset = offset + UdpPacket.HeaderLength;
        }

        public override string ToString()
        {
            return "UDP " + SourcePort.ToString() + " > " + DestinationPort.ToString()
                + ", length " + PayloadLength.ToString() + (HasChecksum ? "" : ", no checksum");
        }
    }
}
