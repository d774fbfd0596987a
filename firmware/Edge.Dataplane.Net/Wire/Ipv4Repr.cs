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

        /// <summary>Parses; with <paramref name="checksumKnownGood"/> (the node built the packet) the header checksum is not summed again.</summary>
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

            int totalLength = NetworkOrder.ReadU16(b, offset + Ipv4Packet.TotalLengthField);
            ushort flagsFragment = NetworkOrder.ReadU16(b, offset + Ipv4Packet.FlagsFragmentField);
            TypeOfService = b[offset + Ipv4Packet.TosField];
            Identification = NetworkOrder.ReadU16(b, offset + Ipv4Packet.IdentificationField);
            DontFragment = (flagsFragment & Ipv4Packet.DontFragmentFlag) != 0;
            MoreFragments = (flagsFragment & Ipv4Packet.MoreFragmentsFlag) != 0;
            FragmentOffset = flagsFragment & Ipv4Packet.FragmentOffsetMask;
            Ttl = b[offset + Ipv4Packet.TtlField];
            Protocol = b[offset + Ipv4Packet.ProtocolField];
            Source = NetworkOrder.ReadU32(b, offset + Ipv4Packet.SourceField);
            Destination = NetworkOrder.ReadU32(b, offset + Ipv4Packet.DestinationField);
            HeaderLength = headerLength;
            PayloadOffset = offset + headerLength;
            PayloadLength = totalLength - headerLength;
            return WireError.None;
        }

        /// <summary>
        /// Writes a 20-byte header for <see cref="PayloadLength"/> bytes of payload, with its
        /// checksum. Fragment fields are written as set; Edge itself never fragments.
        /// </summary>
        public void Emit(byte[] b, int offset)
        {
            int totalLength = Ipv4Packet.MinimumHeaderLength + PayloadLength;
            ushort flagsFragment = (ushort)(FragmentOffset & Ipv4Packet.FragmentOffsetMask);
            if (DontFragment)
            {
                flagsFragment |= Ipv4Packet.DontFragmentFlag;
            }

            if (MoreFragments)
            {
                flagsFragment |= Ipv4Packet.MoreFragmentsFlag;
            }

            b[offset + Ipv4Packet.VersionIhlField] = 0x45;
            b[offset + Ipv4Packet.TosField] = TypeOfService;
            NetworkOrder.WriteU16(b, offset + Ipv4Packet.TotalLengthField, (ushort)totalLength);
            NetworkOrder.WriteU16(b, offset + Ipv4Packet.IdentificationField, Identification);
            NetworkOrder.WriteU16(b, offset + Ipv4Packet.FlagsFragmentField, flagsFragment);
            b[offset + Ipv4Packet.TtlField] = Ttl;
            b[offset + Ipv4Packet.ProtocolField] = Protocol;
            NetworkOrder.WriteU16(b, offset + Ipv4Packet.ChecksumField, 0);
            NetworkOrder.WriteU32(b, offset + Ipv4Packet.SourceField, Source);
            NetworkOrder.WriteU32(b, offset + Ipv4Packet.DestinationField, Destination);
            NetworkOrder.WriteU16(b, offset + Ipv4Packet.ChecksumField,
                Checksum.Compute(b, offset, Ipv4Packet.MinimumHeaderLength));
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
