namespace Edge.Dataplane
{
    /// <summary>
    /// Shared empty arrays. A length-0 array can never change, so every object that starts with
    /// "no endpoints" can point at the same one instead of allocating its own: on a small board
    /// that is seven fewer objects per service, decoded again with every snapshot.
    /// </summary>
    public static class Empty
    {
        public static readonly uint[] UInts = new uint[0];
        public static readonly ushort[] UShorts = new ushort[0];
        public static readonly byte[] Bytes = new byte[0];
        public static readonly string[] Strings = new string[0];
        public static readonly long[] Longs = new long[0];
        public static readonly bool[] Bools = new bool[0];
        public static readonly byte[][] ByteArrays = new byte[0][];

        public static uint[] OrNewUInts(int length)
        {
            return length == 0 ? UInts : new uint[length];
        }

        public static ushort[] OrNewUShorts(int length)
        {
            return length == 0 ? UShorts : new ushort[length];
        }

        public static byte[] OrNewBytes(int length)
        {
            return length == 0 ? Bytes : new byte[length];
        }

        public static string[] OrNewStrings(int length)
        {
            return length == 0 ? Strings : NewStrings(length);
        }

        /// <summary>
        /// A string array whose elements are null. On nanoCLR an element of <c>new string[n]</c>
        /// that was never stored to is not a real null: <c>(object)s == null</c> is false, and
        /// comparing it with a string (<c>==</c>, <c>string.Equals</c>) crashes the interpreter
        /// (a segmentation fault on nanoCLR's POSIX host, measured; a board resets). Storing
        /// null makes it one; so a string array that may be read before every element is
        /// written must come from here.
        /// </summary>
        public static string[] NewStrings(int length)
        {
            var strings = new string[length];
            for (int i = 0; i < length; i++)
            {
                strings[i] = null;
            }

            return strings;
        }

        public static bool[] OrNewBools(int length)
        {
            return length == 0 ? Bools : new bool[length];
        }

        public static byte[][] OrNewByteArrays(int length)
        {
            return length == 0 ? ByteArrays : new byte[length][];
        }
    }
}
