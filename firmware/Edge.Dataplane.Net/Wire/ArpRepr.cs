namespace Edge.Dataplane.Wire
{
    /// <summary>The parsed form of an IPv4-over-Ethernet ARP packet; reused across packets.</summary>
    public sealed class ArpRepr
    {
        public ushort Operation;
        public ulong SenderHardwareAddress;
        public uint SenderProtocolAddress;
        public ulong TargetHardwareAddress;
        public uint TargetProtocolAddress;

        public WireError Parse(byte[] b, int offset, int length)
        {
            WireError error = ArpPacket.Check(b, offset, length);
            if (error != WireError.None)
            {
                return error;
            }

            Operation = NetworkOrder.ReadU16(b, offset + ArpPacket.OperationField);
            SenderHardwareAddress = MacAddress.Read(b, offset + ArpPacket.SenderHardwareField);
            SenderProtocolAddress = NetworkOrder.ReadU32(b, offset + ArpPacket.SenderProtocolField);
            TargetHardwareAddress = MacAddress.Read(b, offset + ArpPacket.TargetHardwareField);
            TargetProtocolAddress = NetworkOrder.ReadU32(b, offset + ArpPacket.TargetProtocolField);
            return WireError.None;
        }

        /// <summary>Writes the 28-byte packet at offset.</summary>
        public void Emit(byte[] b, int offset)
        {
            NetworkOrder.WriteU16(b, offset + ArpPacket.HardwareTypeField, ArpPacket.HardwareEthernet);
            NetworkOrder.WriteU16(b, offset + ArpPacket.ProtocolTypeField, EtherType.Ipv4);
            b[offset + ArpPacket.HardwareLengthField] = 6;
            b[offset + ArpPacket.ProtocolLengthField] = 4;
            NetworkOrder.WriteU16(b, offset + ArpPacket.OperationField, Operation);
            MacAddress.Write(b, offset + ArpPacket.SenderHardwareField, SenderHardwareAddress);
            NetworkOrder.WriteU32(b, offset + ArpPacket.SenderProtocolField, SenderProtocolAddress);
            MacAddress.Write(b, offset + ArpPacket.TargetHardwareField, TargetHardwareAddress);
            NetworkOrder.WriteU32(b, offset + ArpPacket.TargetProtocolField, TargetProtocolAddress);
        }

        public override string ToString()
        {
            if (Operation == ArpOperation.Request)
            {
                return "ARP who-has " + Ipv4Address.Format(TargetProtocolAddress) + " tell "
                    + Ipv4Address.Format(SenderProtocolAddress);
            }

            if (Operation == ArpOperation.Reply)
            {
                return "ARP " + Ipv4Address.Format(SenderProtocolAddress) + " is-at "
                    + MacAddress.Format(SenderHardwareAddress);
            }

            return "ARP " + ArpOperation.Name(Operation) + " from " + Ipv4Address.Format(SenderProtocolAddress);
        }
    }
}
