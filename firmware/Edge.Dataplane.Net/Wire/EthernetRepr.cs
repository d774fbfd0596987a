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
            WireError error = EthernetFrame.Check(b, offset, length);
            if (error != WireError.None)
            {
                return error;
            }

            Destination = MacAddress.Read(b, offset + EthernetFrame.DestinationField);
            Source = MacAddress.Read(b, offset + EthernetFrame.SourceField);
            EtherType = NetworkOrder.ReadU16(b, offset + EthernetFrame.EtherTypeField);
            PayloadOffset = offset + EthernetFrame.HeaderLength;
            PayloadLength = length - EthernetFrame.HeaderLength;
            return EtherType < Wire.EtherType.MinimumEtherType ? WireError.Unsupported : WireError.None;
        }

        /// <summary>Writes the 14-byte header at offset; the payload follows it.</summary>
        public void Emit(byte[] b, int offset)
        {
            MacAddress.Write(b, offset + EthernetFrame.DestinationField, Destination);
            MacAddress.Write(b, offset + EthernetFrame.SourceField, Source);
            NetworkOrder.WriteU16(b, offset + EthernetFrame.EtherTypeField, EtherType);
        }

        public override string ToString()
        {
            return "Ethernet " + MacAddress.Format(Source) + " > " + MacAddress.Format(Destination)
                + ", type " + Wire.EtherType.Name(EtherType);
        }
    }
}
