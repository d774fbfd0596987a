namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// What went wrong parsing bytes from the wire. Every parse returns one of these; none throws.
    /// Callers drop the frame and count the error (see <see cref="WireErrors"/> for names, since
    /// nanoFramework prints enums as numbers).
    /// </summary>
    public enum WireError
    {
        /// <summary>The bytes parsed.</summary>
        None = 0,

        /// <summary>Fewer bytes than a header or a length field says there are.</summary>
        Truncated = 1,

        /// <summary>A field holds a value the protocol forbids (IHL below 5, a bad option length...).</summary>
        Malformed = 2,

        /// <summary>The Internet checksum does not verify.</summary>
        BadChecksum = 3,

        /// <summary>Well-formed, but not something Edge handles (802.3 length framing, ARP for IPv6...).</summary>
        Unsupported = 4,
    }

    /// <summary>Display names for <see cref="WireError"/> and the number of kinds, for drop counters.</summary>
    public static class WireErrors
    {
        /// <summary>How many <see cref="WireError"/> values exist; sizes arrays of counters.</summary>
        public const int Count = 5;

        // A switch, not a static array: the names stay in flash instead of an array on the heap.
        private static string NameAt(int i)
        {
            switch (i)
            {
                case 0: return "none";
                case 1: return "truncated";
                case 2: return "malformed";
                case 3: return "bad-checksum";
                case 4: return "unsupported";
                default: return null;
            }
        }

        /// <summary>The lower-case name of an error, e.g. "bad-checksum".</summary>
        public static string Name(WireError error)
        {
            int i = (int)error;
            return NameAt(i) ?? "unknown";
        }

        /// <summary>True when [offset, offset + length) lies inside the buffer.</summary>
        public static bool InBounds(byte[] buffer, int offset, int length)
        {
            return buffer != null && offset >= 0 && length >= 0 && offset <= buffer.Length - length;
        }
    }
}
