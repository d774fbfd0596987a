namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// Domain names in wire form (RFC 1035 §3.1: length-prefixed labels ending in a zero
    /// byte), kept lower-case for matching; DNS compares ASCII case-insensitively (RFC 4343).
    /// </summary>
    public static class DnsName
    {
        public const int MaxLength = 255;
        public const int MaxLabel = 63;

        /// <summary>"web.default.svc.cluster.local" to lower-case wire form; null if it is not a valid name.</summary>
        public static byte[] FromText(string text)
        {
            if (text == null)
            {
                return null;
            }

            if (text.Length > 0 && text[text.Length - 1] == '.')
            {
                text = text.Substring(0, text.Length - 1);
            }

            if (text.Length == 0)
            {
                return new byte[] { 0 };
            }

            byte[] wire = new byte[text.Length + 2];
            int labelStart = 0;
            int lengthAt = 0;
            int at = 1;
            for (int i = 0; i <= text.Length; i++)
            {
                if (i == text.Length || text[i] == '.')
                {
                    int length = i - labelStart;
                    if (length == 0 || length > MaxLabel)
                    {
                        return null;
                    }

                    wire[lengthAt] = (byte)length;
                    lengthAt = at;
                    labelStart = i + 1;
                    at++;
                }
                else
                {
                    char c = text[i];
                    if (c > 127)
                    {
                        return null;
                    }

                    wire[at++] = Lower((byte)c);
                }
            }

            wire[wire.Length - 1] = 0;
            return wire.Length > MaxLength ? null : wire;
        }

        /// <summary>Dotted text of a wire-form name (for tools and views).</summary>
        public static string ToText(byte[] wire, int offset)
        {
            string text = "";
            int at = offset;
            while (at < wire.Length && wire[at] != 0)
            {
                int length = wire[at];
                char[] label = new char[length];
                for (int i = 0; i < length; i++)
                {
                    label[i] = (char)wire[at + 1 + i];
                }

                text += (text.Length == 0 ? "" : ".") + new string(label);
                at += length + 1;
            }

            return text + ".";
        }

        /// <summary>Where the name at <paramref name="at"/> ends (after its zero label, or its compression pointer, RFC 1035 4.1.4); -1 when the message ends first.</summary>
        public static int Skip(byte[] b, int at, int end)
        {
            while (at < end)
            {
                int label = b[at];
                if ((label & 0xC0) == 0xC0)
                {
                    return at + 2;
                }

                if (label == 0)
                {
                    return at + 1;
                }

                at += label + 1;
            }

            return -1;
        }

        public static byte Lower(byte b)
        {
            return b >= (byte)'A' && b <= (byte)'Z' ? (byte)(b + 32) : b;
        }

        /// <summary>Case-insensitive equality of two label byte ranges.</summary>
        public static bool LabelEquals(byte[] a, int aOffset, byte[] b, int bOffset, int length)
        {
            for (int i = 0; i < length; i++)
            {
                int x = a[aOffset + i];
                int y = b[bOffset + i];
                if (x != y)
                {
                    // Lowered inline, only when the bytes differ (a call a byte is what costs on nanoCLR).
                    x = x >= 'A' && x <= 'Z' ? x + 32 : x;
                    y = y >= 'A' && y <= 'Z' ? y + 32 : y;
                    if (x != y)
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }
}
