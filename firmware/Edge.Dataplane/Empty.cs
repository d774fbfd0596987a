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
    }
}
