namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// A view of an Ethernet II frame (destination, source, EtherType, payload) in place in a
    /// buffer. The frame check sequence is not included: devices strip it and Linux never shows it.
    ///
    /// <see cref="TryWrap"/> checks the length once; after that no accessor can fail.
    /// </summary>
    public readonly struct EthernetFrame
    {
        // Field offsets (IEEE 802.3 clause 3.2, Ethernet II framing).
        internal const int DestinationField = 0;
        internal const int SourceField = 6;
        internal const int EtherTypeField = 12;
        public const int HeaderLength = 14;

        /// <summary>The smallest frame a NIC sends, without FCS; shorter payloads are padded.</summary>
        public const int MinimumFrameLength = 60;

        public readonly byte[] Buffer;
        public readonly int Offset;
        public readonly int Length;

        private EthernetFrame(byte[] buffer, int offset, int length)
        {
            Buffer = buffer;
            Offset = offset;
            Length = length;
        }

        /// <summary>Checks that [offset, offset + length) can hold an Ethernet II header.</summary>
        public static WireError Check(byte[] buffer, int offset, int length)
        {
            if (!WireErrors.InBounds(buffer, offset, length) || length < HeaderLength)
            {
                return WireError.Truncated;
            }

            return WireError.None;
        }

        /// <summary>The checked constructor: a view when <see cref="Check"/> passes.</summary>
        public static WireError TryWrap(byte[] buffer, int offset, int length, out EthernetFrame frame)
        {
            WireError error = Check(buffer, offset, length);
            frame = error == WireError.None ? new EthernetFrame(buffer, offset, length) : default(EthernetFrame);
            return error;
        }

        public ulong Destination
        {
            get { return MacAddress.Read(Buffer, Offset + DestinationField); }
            set { MacAddress.Write(Buffer, Offset + DestinationField, value); }
        }

        public ulong Source
        {
            get { return MacAddress.Read(Buffer, Offset + SourceField); }
            set { MacAddress.Write(Buffer, Offset + SourceField, value); }
        }

        public ushort EtherType
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + EtherTypeField); }
            set { NetworkOrder.WriteU16(Buffer, Offset + EtherTypeField, value); }
        }

        public int PayloadOffset
        {
            get { return Offset + HeaderLength; }
        }

        public int PayloadLength
        {
            get { return Length - HeaderLength; }
        }
    }
}
