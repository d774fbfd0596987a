namespace Edge.Dataplane.Net
{
    /// <summary>
    /// A pod's standard output, for `edgectl logs`: the last few hundred bytes of lines its
    /// workload wrote, in a fixed ring allocated on the first line (pods that never log cost
    /// nothing). Older lines fall off the front, as a container runtime's rotated log would.
    /// </summary>
    public sealed class PodLog
    {
        public const int Capacity = 512;

        private ByteRing _ring;
        private byte[] _line;
        private byte[] _one;

        public long LinesWritten;

        public void Line(string text)
        {
            if (_ring == null)
            {
                _ring = new ByteRing(Capacity);
                _line = new byte[Capacity];
                _one = new byte[1];
            }

            int n = 0;
            for (int i = 0; i < text.Length && n < Capacity - 1; i++)
            {
                char c = text[i];
                _line[n++] = (byte)(c < 128 ? c : '?');
            }

            _line[n++] = (byte)'\n';
            if (_ring.Free < n)
            {
                // Make room by whole lines, so the log never starts in the middle of one.
                _ring.Discard(n - _ring.Free);
                while (_ring.Count > 0 && _ring.Peek(0, _one, 0, 1) == 1 && _one[0] != (byte)'\n')
                {
                    _ring.Discard(1);
                }

                _ring.Discard(_ring.Count > 0 ? 1 : 0);
            }

            _ring.Write(_line, 0, n);
            LinesWritten++;
        }

        /// <summary>What the log holds, oldest line first.</summary>
        public string Text()
        {
            if (_ring == null)
            {
                return "";
            }

            byte[] bytes = new byte[_ring.Count];
            _ring.Peek(0, bytes, 0, bytes.Length);
            char[] chars = new char[bytes.Length];
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[i] = (char)bytes[i];
            }

            return new string(chars);
        }
    }
}
