namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// A view of an ICMPv4 message (RFC 792): type, code, checksum over the whole message, and
    /// four "rest of header" bytes whose meaning depends on the type (identifier and sequence for
    /// echo, next-hop MTU for "fragmentation needed", unused for the other errors).
    /// </summary>
    public readonly struct IcmpPacket
    {
        // Field offsets (RFC 792).
        internal const int TypeField = 0;
        internal const int CodeField = 1;
        internal const int ChecksumField = 2;
        internal const int IdentifierField = 4;
        internal const int SequenceField = 6;
        internal const int NextHopMtuField = 6;
        public const int HeaderLength = 8;

        public readonly byte[] Buffer;
        public readonly int Offset;
        public readonly int Length;

        private IcmpPacket(byte[] buffer, int offset, int length)
        {
            Buffer = buffer;
            Offset = offset;
            Length = length;
        }

        public static WireError Check(byte[] b, int offset, int length)
        {
            if (!WireErrors.InBounds(b, offset, length) || length < HeaderLength)
            {
                return WireError.Truncated;
            }

            return WireError.None;
        }

        public static WireError TryWrap(byte[] b, int offset, int length, out IcmpPacket packet)
        {
            WireError error = Check(b, offset, length);
            packet = error == WireError.None ? new IcmpPacket(b, offset, length) : default(IcmpPacket);
            return error;
        }

        public byte Type
        {
            get { return Buffer[Offset + TypeField]; }
            set { Buffer[Offset + TypeField] = value; }
        }

        public byte Code
        {
            get { return Buffer[Offset + CodeField]; }
            set { Buffer[Offset + CodeField] = value; }
        }

        public ushort MessageChecksum
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + ChecksumField); }
            set { NetworkOrder.WriteU16(Buffer, Offset + ChecksumField, value); }
        }

        public ushort Identifier
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + IdentifierField); }
            set { NetworkOrder.WriteU16(Buffer, Offset + IdentifierField, value); }
        }

        public ushort SequenceNumber
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + SequenceField); }
            set { NetworkOrder.WriteU16(Buffer, Offset + SequenceField, value); }
        }

        public int DataOffset
        {
            get { return Offset + HeaderLength; }
        }

        public int DataLength
        {
            get { return Length - HeaderLength; }
        }

        public bool ChecksumValid()
        {
            return Checksum.Compute(Buffer, Offset, Length) == 0;
        }

        public void FillChecksum()
        {
            MessageChecksum = 0;
            MessageChecksum = Checksum.Compute(Buffer, Offset, Length);
        }
    }
}
