namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// While a state is decoded, small arrays equal to one decoded a moment before (the same
    /// ports "http"/TCP/80 on service after service, the same endpoint ports and conditions) are
    /// replaced by that one. Nothing writes these arrays after decoding, so sharing them is safe,
    /// and on a small board each is a 24- to 36-byte object saved per service.
    /// </summary>
    internal sealed class SharedArrays
    {
        private const int Kept = 8;
        private string[][] _strings; // DNS entries' port names only: made when the first arrives
        private readonly byte[][] _bytes = new byte[Kept][];
        private readonly ushort[][] _ushorts = new ushort[Kept][];
        private int _nextString;
        private int _nextByte;
        private int _nextUShort;

        public string[] Same(string[] a)
        {
            if (_strings == null)
            {
                _strings = new string[Kept][];
            }

            for (int i = 0; i < Kept; i++)
            {
                if (_strings[i] != null && StateReuse.SameStrings(_strings[i], a))
                {
                    return _strings[i];
                }
            }

            _strings[_nextString] = a;
            _nextString = (_nextString + 1) % Kept;
            return a;
        }

        public byte[] Same(byte[] a)
        {
            for (int i = 0; i < Kept; i++)
            {
                if (_bytes[i] != null && Ingress.RouteMatcher.SameBytes(_bytes[i], a))
                {
                    return _bytes[i];
                }
            }

            _bytes[_nextByte] = a;
            _nextByte = (_nextByte + 1) % Kept;
            return a;
        }

        public ushort[] Same(ushort[] a)
        {
            for (int i = 0; i < Kept; i++)
            {
                if (_ushorts[i] != null && StateReuse.SameUShorts(_ushorts[i], a))
                {
                    return _ushorts[i];
                }
            }

            _ushorts[_nextUShort] = a;
            _nextUShort = (_nextUShort + 1) % Kept;
            return a;
        }
    }
}
