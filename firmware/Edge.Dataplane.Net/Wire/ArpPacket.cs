namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// A view of an ARP packet (RFC 826) for IPv4 over Ethernet, the only kind Edge speaks:
    /// hardware type 1, protocol type 0x0800, address lengths 6 and 4.
    /// </summary>
    public readonly struct ArpPacket
    {
        // Field offsets (RFC 826, "Packet format", with hln = 6 and pln = 4).
        internal const int HardwareTypeField = 0;
        internal const int ProtocolTypeField = 2;
        internal const int HardwareLengthField = 4;
        internal const int ProtocolLengthField = 5;
        internal const int OperationField = 6;
        internal const int SenderHardwareField = 8;
        internal const int SenderProtocolField = 14;
        internal const int TargetHardwareField = 18;
        internal const int TargetProtocolField = 24;
        public const int Length = 28;

        public const ushort HardwareEthernet = 1;

        public readonly byte[] Buffer;
        public readonly int Offset;

        private ArpPacket(byte[] buffer, int offset)
        {
            Buffer = buffer;
            Offset = offset;
        }

        /// <summary>
        /// Checks the length and the address formats. Other hardware or protocol types are
        /// well-formed ARP that Edge does not speak: <see cref="WireError.Unsupported"/>.
        /// </summary>
        public static WireError Check(byte[] b, int offset, int length)
        {
            if (!WireErrors.InBounds(b, offset, length) || length < Length)
            {
                return WireError.Truncated;
            }

            if (NetworkOrder.ReadU16(b, offset + HardwareTypeField) != HardwareEthernet
                || NetworkOrder.ReadU16(b, offset + ProtocolTypeField) != Wire.EtherType.Ipv4
                || b[offset + HardwareLengthField] != 6
                || b[offset + ProtocolLengthField] != 4)
            {
                return WireError.Unsupported;
            }

            return WireError.None;
        }

        public static WireError TryWrap(byte[] b, int offset, int length, out ArpPacket packet)
        {
            WireError error = Check(b, offset, length);
            packet = error == WireError.None ? new ArpPacket(b, offset) : default(ArpPacket);
            return error;
        }

        public ushort Operation
        {
            get { return NetworkOrder.ReadU16(Buffer, Offset + OperationField); }
            set { NetworkOrder.WriteU16(Buffer, Offset + OperationField, value); }
        }

        public ulong SenderHardwareAddress
        {
            get { return MacAddress.Read(Buffer, Offset + SenderHardwareField); }
            set { MacAddress.Write(Buffer, Offset + SenderHardwareField, value); }
        }

        public uint SenderProtocolAddress
        {
            get { return NetworkOrder.ReadU32(Buffer, Offset + SenderProtocolField); }
            set { NetworkOrder.WriteU32(Buffer, Offset + SenderProtocolField, value); }
        }

        public ulong TargetHardwareAddress
        {
            get { return MacAddress.Read(Buffer, Offset + TargetHardwareField); }
            set { MacAddress.Write(Buffer, Offset + TargetHardwareField, value); }
        }

        public uint TargetProtocolAddress
        {
            get { return NetworkOrder.ReadU32(Buffer, Offset + TargetProtocolField); }
            set { NetworkOrder.WriteU32(Buffer, Offset + TargetProtocolField, value); }
        }
    }
}
