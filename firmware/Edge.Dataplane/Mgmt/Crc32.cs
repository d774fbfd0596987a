namespace Edge.Dataplane.Mgmt
{
    /// <summary>CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zlib and Ethernet compute it.</summary>
    public static class Crc32
    {
        private static readonly uint[] Table = Build();

        public static uint Compute(byte[] b, int offset, int length)
        {
            uint crc = 0xFFFFFFFF;
            for (int i = offset; i < offset + length; i++)
            {
                crc = Table[(crc ^ b[i]) & 0xFF] ^ (crc >> 8);
            }

            return ~crc;
        }

        private static uint[] Build()
        {
            uint[] table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
