namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// Big-endian ("network byte order", RFC 1700) reads and writes at an offset in a byte array.
    /// Callers have already checked the bounds; these do not.
    /// </summary>
    public static class NetworkOrder
    {
        public static ushort ReadU16(byte[] b, int o)
        {
            return (ushort)((b[o] << 8) | b[o + 1]);
        }

        public static uint ReadU24(byte[] b, int o)
        {
            return ((uint)b[o] << 16) | ((uint)b[o + 1] << 8) | b[o + 2];
        }

        public static uint ReadU32(byte[] b, int o)
        {
            return ((uint)b[o] << 24) | ((uint)b[o + 1] << 16) | ((uint)b[o + 2] << 8) | b[o + 3];
        }

        public static void WriteU16(byte[] b, int o, ushort v)
        {
            b[o] = (byte)(v >> 8);
            b[o + 1] = (byte)v;
        }

        public static void WriteU24(byte[] b, int o, uint v)
        {
            b[o] = (byte)(v >> 16);
            b[o + 1] = (byte)(v >> 8);
            b[o + 2] = (byte)v;
        }

        public static void WriteU32(byte[] b, int o, uint v)
        {
            b[o] = (byte)(v >> 24);
            b[o + 1] = (byte)(v >> 16);
            b[o + 2] = (byte)(v >> 8);
            b[o + 3] = (byte)v;
        }
    }
}
