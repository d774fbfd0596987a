namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zlib and Ethernet compute it.
    /// A nibble at a time from a 16-entry table: a kilobyte less than the usual 256-entry table
    /// on a small board's heap, for two lookups a byte instead of one.
    /// </summary>
    public static class Crc32
    {
        private static readonly uint[] Table = Build();

        public static uint Compute(byte[] b, int offset, int length)
        {
            uint crc = 0xFFFFFFFF;
            for (int i = offset; i < offset + length; i++)
            {
                crc = Table[(crc ^ b[i]) & 0xF] ^ (crc >> 4);
                crc = Table[(crc ^ (uint)(b[i] >> 4)) & 0xF] ^ (crc >> 4);
            }

            return ~crc;
        }

        private static uint[] Build()
        {
            uint[] table = new uint[16];
            for (uint n = 0; n < 16; n++)
            {
                uint c = n;
                for (int k = 0; k < 4; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
