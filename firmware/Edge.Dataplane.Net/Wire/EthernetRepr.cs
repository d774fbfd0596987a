namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// The parsed form of an Ethernet II header. One instance is reused for every frame: Parse
    /// overwrites all fields, so nothing is allocated per packet.
    /// </summary>
    public sealed class EthernetRepr
    {
        public ulong Destination;
        public ulong Source;
        public ushort EtherType;

        /// <summary>Where the payload starts in the buffer Parse read (set by Parse).</summary>
        public int PayloadOffset;

        /// <summary>Bytes after the header, including any padding to the 60-byte minimum.</summary>
        public int PayloadLength;

        /// <summary>
        /// Reads the header at [offset, offset + length). 802.3 frames (a length instead of an
        /// EtherType) are <see cref="WireError.Unsupported"/>; unknown EtherTypes parse.
        /// </summary>
        public WireError Parse(byte[] b, int offset, int length)
        {
            if (b == null || offset < 0 || length < EthernetFrame.HeaderLength || offset > b.Length - length)
            {
                return WireError.Truncated;
            }

            // The two MACs as two 16-bit and two 32-bit halves, read in this one body (an
            // interpreter pays for a call what a dozen operations cost).
            int o = offset + EthernetFrame.DestinationField;
            Destination = ((ulong)(uint)((b[o] << 8) | b[o + 1]) << 32) | (uint)((b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]);
            o = offset + EthernetFrame.SourceField;
            Source = ((ulong)(uint)((b[o] << 8) | b[o + 1]) << 32) | (uint)((b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]);
            EtherType = (ushort)((b[offset + EthernetFrame.EtherTypeField] << 8) | b[offset + EthernetFrame.EtherTypeField + 1]);
            PayloadOffset = offset + EthernetFrame.HeaderLength;
            PayloadLength = length - EthernetFrame.HeaderLength;
            return EtherType < Wire.EtherType.MinimumEtherType ? WireError.Unsupported : WireError.None;
        }

        /// <summary>Writes the 14-byte header at offset; the payload follows it.</summary>
        public void Emit(byte[] b, int offset)
        {
            uint high = (uint)(Destination >> 32);
            uint low = (uint)Destination;
            b[offset] = (byte)(high >> 8);
            b[offset + 1] = (byte)high;
            b[offset + 2] = (byte)(low >> 24);
            b[offset + 3] = (byte)(low >> 16);
            b[offset + 4] = (byte)(low >> 8);
            b[offset + 5] = (byte)low;
            high = (uint)(Source >> 32);
            low = (uint)Source;
            b[offset + 6] = (byte)(high >> 8);
            b[offset + 7] = (byte)high;
            b[offset + 8] = (byte)(low >> 24);
            b[offset + 9] = (byte)(low >> 16);
            b[offset + 10] = (byte)(low >> 8);
            b[offset + 11] = (byte)low;
            b[offset + 12] = (byte)(EtherType >> 8);
            b[offset + 13] = (byte)EtherType;
        }

        public override string ToString()
        {
            return "Ethernet " + MacAddress.Format(Source) + " > " + MacAddress.Format(Destination)
                + ", type " + Wire.EtherType.Name(EtherType);
        }
    }
}
