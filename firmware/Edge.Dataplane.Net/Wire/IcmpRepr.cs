namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// The parsed form of an ICMPv4 message; reused across packets. Echo messages carry an
    /// identifier, a sequence number and data; Destination Unreachable and Time Exceeded carry
    /// the invoking packet's IP header and first 8 data bytes as data. Other types parse with
    /// their type and code and the data left as is.
    /// </summary>
    public sealed class IcmpRepr
    {
        public byte Type;
        public byte Code;

        /// <summary>Echo request/reply only.</summary>
        public ushort Identifier;

        /// <summary>Echo request/reply only.</summary>
        public ushort SequenceNumber;

        /// <summary>"Fragmentation needed" only (RFC 1191).</summary>
        public ushort NextHopMtu;

        /// <summary>Where the data after the 8-byte header starts.</summary>
        public int DataOffset;

        public int DataLength;

        public bool IsEcho
        {
            get { return Type == IcmpType.EchoRequest || Type == IcmpType.EchoReply; }
        }

        public bool IsError
        {
            get { return Type == IcmpType.DestinationUnreachable || Type == IcmpType.TimeExceeded; }
        }

        /// <summary>Reads a message of exactly <paramref name="length"/> bytes (the IP payload) and verifies its checksum.</summary>
        public WireError Parse(byte[] b, int offset, int length)
        {
            return Parse(b, offset, length, false);
        }

        /// <summary>Parses; with <paramref name="checksumKnownGood"/> (the node built the message) the checksum is not summed again.</summary>
        public WireError Parse(byte[] b, int offset, int length, bool checksumKnownGood)
        {
            WireError error = IcmpPacket.Check(b, offset, length);
            if (error != WireError.None)
            {
                return error;
            }

            if (!checksumKnownGood && Checksum.Compute(b, offset, length) != 0)
            {
                return WireError.BadChecksum;
            }

            Type = b[offset + IcmpPacket.TypeField];
            Code = b[offset + IcmpPacket.CodeField];
            Identifier = 0;
            SequenceNumber = 0;
            NextHopMtu = 0;
            if (IsEcho)
            {
                Identifier = NetworkOrder.ReadU16(b, offset + IcmpPacket.IdentifierField);
                SequenceNumber = NetworkOrder.ReadU16(b, offset + IcmpPacket.SequenceField);
            }
            else if (Type == IcmpType.DestinationUnreachable && Code == IcmpType.FragmentationNeeded)
            {
                NextHopMtu = NetworkOrder.ReadU16(b, offset + IcmpPacket.NextHopMtuField);
            }

            DataOffset = offset + IcmpPacket.HeaderLength;
            DataLength = length - IcmpPacket.HeaderLength;
            return WireError.None;
        }

        /// <summary>
        /// Writes the 8-byte header at offset and the checksum over it and the
        /// <see cref="DataLength"/> bytes the caller has already placed after it.
        /// </summary>
        public void Emit(byte[] b, int offset)
        {
            b[offset + IcmpPacket.TypeField] = Type;
            b[offset + IcmpPacket.CodeField] = Code;
            NetworkOrder.WriteU16(b, offset + IcmpPacket.ChecksumField, 0);
            if (IsEcho)
            {
                NetworkOrder.WriteU16(b, offset + IcmpPacket.IdentifierField, Identifier);
                NetworkOrder.WriteU16(b, offset + IcmpPacket.SequenceField, SequenceNumber);
            }
            else
            {
                NetworkOrder.WriteU16(b, offset + IcmpPacket.IdentifierField, 0);
                NetworkOrder.WriteU16(b, offset + IcmpPacket.NextHopMtuField, NextHopMtu);
            }

            int length = IcmpPacket.HeaderLength + DataLength;
            NetworkOrder.WriteU16(b, offset + IcmpPacket.ChecksumField, Checksum.Compute(b, offset, length));
            DataOffset = offset + IcmpPacket.HeaderLength;
        }

        public override string ToString()
        {
            string text = "ICMP " + IcmpType.Name(Type, Code);
            if (IsEcho)
            {
                text += ", id " + Identifier.ToString() + ", seq " + SequenceNumber.ToString();
            }

            return text + ", length " + (IcmpPacket.HeaderLength + DataLength).ToString();
        }
    }
}
