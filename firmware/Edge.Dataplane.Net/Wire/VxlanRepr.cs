namespace Edge.Dataplane.Wire
{
    /// <summary>The parsed form of a VXLAN header; reused across packets.</summary>
    public sealed class VxlanRepr
    {
        /// <summary>The 24-bit VXLAN Network Identifier.</summary>
        public uint Vni;

        /// <summary>Where the inner Ethernet frame starts (set by Parse and Emit).</summary>
        public int FrameOffset;

        /// <summary>Bytes of the inner Ethernet frame.</summary>
        public int FrameLength;

        /// <summary>Reads the header at offset, where <paramref name="length"/> is the UDP payload length.</summary>
        public WireError Parse(byte[] b, int offset, int length)
        {
            WireError error = VxlanHeader.Check(b, offset, length);
            if (error != WireError.None)
            {
                return error;
            }

            Vni = NetworkOrder.ReadU24(b, offset + VxlanHeader.VniField);
            FrameOffset = offset + VxlanHeader.Length;
            FrameLength = length - VxlanHeader.Length;
            return WireError.None;
        }

        /// <summary>Writes the 8-byte header: the I flag, the VNI, reserved fields zero.</summary>
        public void Emit(byte[] b, int offset)
        {
            b[offset + VxlanHeader.FlagsField] = VxlanHeader.ValidVniFlag;
            b[offset + 1] = 0;
            b[offset + 2] = 0;
            b[offset + 3] = 0;
            NetworkOrder.WriteU24(b, offset + VxlanHeader.VniField, Vni & VxlanHeader.MaximumVni);
            b[offset + 7] = 0;
            FrameOffset = offset + VxlanHeader.Length;
        }

        public override string ToString()
        {
            return "VXLAN vni " + Vni.ToString() + ", inner frame " + FrameLength.ToString() + " bytes";
        }
    }
}
