namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// IPv4 addresses are plain <c>uint</c>s in host order (10.244.1.5 is 0x0AF40105), so they
    /// compare, hash and mask without allocating. This class formats and parses them.
    /// </summary>
    public static class Ipv4Address
    {
        public const uint Any = 0;
        public const uint Broadcast = 0xFFFFFFFF;

        /// <summary>The address a.b.c.d.</summary>
        public static uint FromOctets(int a, int b, int c, int d)
        {
            return ((uint)(a & 0xFF) << 24) | ((uint)(b & 0xFF) << 16) | ((uint)(c & 0xFF) << 8) | (uint)(d & 0xFF);
        }

        /// <summary>True for 224.0.0.0/4.</summary>
        public static bool IsMulticast(uint address)
        {
            return (address & 0xF0000000) == 0xE0000000;
        }

        /// <summary>True for 127.0.0.0/8.</summary>
        public static bool IsLoopback(uint address)
        {
            return (address >> 24) == 127;
        }

        /// <summary>The network mask of a prefix length: 24 gives 255.255.255.0.</summary>
        public static uint MaskOf(int prefixLength)
        {
            if (prefixLength <= 0)
            {
                return 0;
            }

            return prefixLength >= 32 ? 0xFFFFFFFF : ~(0xFFFFFFFF >> prefixLength);
        }

        /// <summary>True when <paramref name="address"/> lies in network/prefixLength.</summary>
        public static bool InPrefix(uint address, uint network, int prefixLength)
        {
            uint mask = MaskOf(prefixLength);
            return (address & mask) == (network & mask);
        }

        /// <summary>Dotted-quad text, e.g. "10.244.1.5".</summary>
        public static string Format(uint address)
        {
            return (address >> 24).ToString() + "." + ((address >> 16) & 0xFF).ToString() + "."
                + ((address >> 8) & 0xFF).ToString() + "." + (address & 0xFF).ToString();
        }

        /// <summary>
        /// Parses "a.b.c.d/n" (n 0-32) into the network address and prefix length; host bits
        /// must be zero ("10.244.1.5/24" is refused: say 10.244.1.0/24).
        /// </summary>
        public static bool TryParseCidr(string text, out uint network, out int prefixLength)
        {
            network = 0;
            prefixLength = 0;
            if (text == null)
            {
                return false;
            }

            int slash = text.IndexOf('/');
            uint address;
            if (slash <= 0 || slash == text.Length - 1 || slash < text.Length - 3 || !TryParse(text.Substring(0, slash), out address))
            {
                return false;
            }

            int prefix = 0;
            for (int i = slash + 1; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }

                prefix = prefix * 10 + (c - '0');
            }

            if (prefix > 32 || (address & ~MaskOf(prefix)) != 0)
            {
                return false;
            }

            network = address;
            prefixLength = prefix;
            return true;
        }

        /// <summary>"10.244.1.0/24".</summary>
        public static string FormatCidr(uint network, int prefixLength)
        {
            return Format(network) + "/" + prefixLength.ToString();
        }

        /// <summary>Parses dotted-quad text; false (and 0) for anything else.</summary>
        public static bool TryParse(string text, out uint address)
        {
            address = 0;
            if (text == null)
            {
                return false;
            }

            uint parsed = 0;
            int octets = 0;
            int value = -1;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c >= '0' && c <= '9')
                {
                    value = value < 0 ? c - '0' : value * 10 + (c - '0');
                    if (value > 255)
                    {
                        return false;
                    }
                }
                else if (c == '.' && value >= 0 && octets < 3)
                {
                    parsed = (parsed << 8) | (uint)value;
                    octets++;
                    value = -1;
                }
                else
                {
                    return false;
                }
            }

            if (value < 0 || octets != 3)
            {
                return false;
            }

            address = (parsed << 8) | (uint)value;
            return true;
        }
    }
}
