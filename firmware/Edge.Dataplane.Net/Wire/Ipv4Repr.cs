namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// The parsed form of an IPv4 header; reused across packets. Parse verifies the header
    /// checksum and skips options; Emit writes a 20-byte header without options.
    /// </summary>
    public sealed class Ipv4Repr
    {
        public uint Source;
        public uint Destination;
        public byte Protocol;
        public byte Ttl;
        public byte TypeOfService;
        public ushort Identification;
        public bool DontFragment;
        public bool MoreFragments;

        /// <summary>In 8-byte units, as on the wire.</summary>
        public int FragmentOffset;

        /// <summary>Header length including options (set by Parse; Emit always writes 20).</summary>
        public int HeaderLength;

        /// <summary>Where the upper-layer data starts (set by Parse).</summary>
        public int PayloadOffset;

        /// <summary>Upper-layer bytes: Total Length minus the header. Ethernet padding is excluded.</summary>
        public int PayloadLength;

        /// <summary>True for any fragment; Edge does not reassemble, it drops and counts these.</summary>
        public bool IsFragment
        {
            get { return MoreFragments || FragmentOffset != 0; }
        }

        public WireError Parse(byte[] b, int offset, int length)
        {
            return Parse(b, offset, length, false);
        }

        /// <summary>
        /// Parses; with <paramref name="checksumKnownGood"/> (the node built the packet) the header
        /// checksum is not summed again. The fields are read here, in one body, at the offsets
        /// <see cref="Ipv4Packet"/> names: on nanoCLR a call costs as much as a dozen operations.
        /// </summary>
        public WireError Parse(byte[] b, int offset, int length, bool checksumKnownGood)
        {
            WireError error = Ipv4Packet.Check(b, offset, length);
            if (error != WireError.None)
            {
                return error;
            }

            int headerLength = (b[offset] & 0x0F) * 4;
            if (!checksumKnownGood && Checksum.Compute(b, offset, headerLength) != 0)
            {
                return WireError.BadChecksum;
            }

            int totalLength = (b[offset + Ipv4Packet.TotalLengthField] << 8) | b[offset + Ipv4Packet.TotalLengthField + 1];
            int flagsFragment = (b[offset + Ipv4Packet.FlagsFragmentField] << 8) | b[offset + Ipv4Packet.FlagsFragmentField + 1];
            TypeOfService = b[offset + Ipv4Packet.TosField];
            Identification = (ushort)((b[offset + Ipv4Packet.IdentificationField] << 8) | b[offset + Ipv4Packet.IdentificationField + 1]);
            DontFragment = (flagsFragment & Ipv4Packet.DontFragmentFlag) != 0;
            MoreFragments = (flagsFragment & Ipv4Packet.MoreFragmentsFlag) != 0;
            FragmentOffset = flagsFragment & Ipv4Packet.FragmentOffsetMask;
            Ttl = b[offset + Ipv4Packet.TtlField];
            Protocol = b[offset + Ipv4Packet.ProtocolField];
            int at = offset + Ipv4Packet.SourceField;
            Source = (uint)((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
            at = offset + Ipv4Packet.DestinationField;
            Destination = (uint)((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
            HeaderLength = headerLength;
            PayloadOffset = offset + headerLength;
            PayloadLength = totalLength - headerLength;
            return WireError.None;
        }

        /// <summary>
        /// Writes a 20-byte header for <see cref="PayloadLength"/> bytes of payload, with its
        /// checksum. Fragment fields are written as set; Edge itself never fragments. The checksum
        /// is the one's complement sum of the header's ten words (RFC 791, RFC 1071) taken from
        /// the values as they are written, not read back.
        /// </summary>
        public void Emit(byte[] b, int offset)
        {
            int totalLength = Ipv4Packet.MinimumHeaderLength + PayloadLength;
            int flagsFragment = FragmentOffset & Ipv4Packet.FragmentOffsetMask;
            if (DontFragment)
            {
                flagsFragment |= Ipv4Packet.DontFragmentFlag;
            }

            if (MoreFragments)
            {
                flagsFragment |= Ipv4Packet.MoreFragmentsFlag;
            }

            uint source = Source;
            uint destination = Destination;
            uint sum = (uint)(0x4500 | TypeOfService) + (uint)totalLength + Identification + (uint)flagsFragment
                + (uint)((Ttl << 8) | Protocol) + (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF);
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            int checksum = (int)(~sum & 0xFFFF);

            b[offset] = 0x45;
            b[offset + 1] = TypeOfService;
            b[offset + 2] = (byte)(totalLength >> 8);
            b[offset + 3] = (byte)totalLength;
            b[offset + 4] = (byte)(Identification >> 8);
            b[offset + 5] = (byte)Identification;
            b[offset + 6] = (byte)(flagsFragment >> 8);
            b[offset + 7] = (byte)flagsFragment;
            b[offset + 8] = Ttl;
            b[offset + 9] = Protocol;
            b[offset + 10] = (byte)(checksum >> 8);
            b[offset + 11] = (byte)checksum;
            b[offset + 12] = (byte)(source >> 24);
            b[offset + 13] = (byte)(source >> 16);
            b[offset + 14] = (byte)(source >> 8);
            b[offset + 15] = (byte)source;
            b[offset + 16] = (byte)(destination >> 24);
            b[offset + 17] = (byte)(destination >> 16);
            b[offset + 18] = (byte)(destination >> 8);
            b[offset + 19] = (byte)destination;
            HeaderLength = Ipv4Packet.MinimumHeaderLength;
            PayloadOffset = offset + Ipv4Packet.MinimumHeaderLength;
        }

        public override string ToString()
        {
            string text = "IPv4 " + Ipv4Address.Format(Source) + " > " + Ipv4Address.Format(Destination)
                + ", " + IpProtocol.Name(Protocol) + ", ttl " + Ttl.ToString() + ", id " + Identification.ToString()
                + ", length " + (HeaderLength + PayloadLength).ToString();
            if (DontFragment)
            {
                text += ", DF";
            }

            if (IsFragment)
            {
                text += ", fragment offset " + (FragmentOffset * 8).ToString() + (MoreFragments ? " MF" : "");
            }

            return text;
        }
    }
}
