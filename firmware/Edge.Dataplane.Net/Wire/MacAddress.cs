namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// A 48-bit MAC address held in the low bits of a <c>ulong</c>, first octet highest
    /// (02:42:0a:f4:01:05 is 0x02420AF40105): no array per address, cheap to hash for the
    /// bridge's learning table. Frames keep their MACs in place; these helpers read and write them.
    /// </summary>
    public static class MacAddress
    {
        public const ulong Broadcast = 0xFFFFFFFFFFFF;
        public const ulong Zero = 0;

        public static ulong Read(byte[] b, int o)
        {
            return ((ulong)b[o] << 40) | ((ulong)b[o + 1] << 32) | ((ulong)b[o + 2] << 24)
                | ((ulong)b[o + 3] << 16) | ((ulong)b[o + 4] << 8) | b[o + 5];
        }

        public static void Write(byte[] b, int o, ulong mac)
        {
            b[o] = (byte)(mac >> 40);
            b[o + 1] = (byte)(mac >> 32);
            b[o + 2] = (byte)(mac >> 24);
            b[o + 3] = (byte)(mac >> 16);
            b[o + 4] = (byte)(mac >> 8);
            b[o + 5] = (byte)mac;
        }

        /// <summary>The I/G bit: group (multicast or broadcast) addresses have it set.</summary>
        public static bool IsGroup(ulong mac)
        {
            return ((mac >> 40) & 0x01) != 0;
        }

        /// <summary>The U/L bit: locally administered addresses (what Edge gives pods) have it set.</summary>
        public static bool IsLocallyAdministered(ulong mac)
        {
            return ((mac >> 40) & 0x02) != 0;
        }

        private const string HexDigits = "0123456789abcdef";

        /// <summary>Colon-separated lower-case hex, e.g. "02:42:0a:f4:01:05".</summary>
        public static string Format(ulong mac)
        {
            char[] text = new char[17];
            for (int i = 0; i < 6; i++)
            {
                int octet = (int)((mac >> (40 - 8 * i)) & 0xFF);
                text[i * 3] = HexDigits[octet >> 4];
                text[i * 3 + 1] = HexDigits[octet & 0xF];
                if (i < 5)
                {
                    text[i * 3 + 2] = ':';
                }
            }

            return new string(text);
        }

        /// <summary>Parses six hex octets separated by ':' or '-'; false (and 0) otherwise.</summary>
        public static bool TryParse(string text, out ulong mac)
        {
            mac = 0;
            if (text == null || text.Length != 17)
            {
                return false;
            }

            for (int i = 0; i < 6; i++)
            {
                int hi = HexValue(text[i * 3]);
                int lo = HexValue(text[i * 3 + 1]);
                if (hi < 0 || lo < 0 || (i < 5 && text[i * 3 + 2] != ':' && text[i * 3 + 2] != '-'))
                {
                    mac = 0;
                    return false;
                }

                mac = (mac << 8) | (uint)((hi << 4) | lo);
            }

            return true;
        }

        private static int HexValue(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }

            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }

            return -1;
        }
    }
}
