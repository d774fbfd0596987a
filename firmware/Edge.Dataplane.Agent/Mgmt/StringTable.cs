namespace Edge.Dataplane.Mgmt
{
    /// <summary>Distinct strings of a snapshot, each sent once and referred to by index (namespaces repeat a lot).</summary>
    public sealed class StringTable
    {
        private string[] _strings = new string[32];
        private int _count;

        public int Count
        {
            get { return _count; }
        }

        public string this[int index]
        {
            get { return _strings[index]; }
        }

        /// <summary>The index of the string, adding it if new. Null is index 0.</summary>
        public int Index(string value)
        {
            if (value == null)
            {
                return 0;
            }

            for (int i = 0; i < _count; i++)
            {
                if (_strings[i] == value)
                {
                    return i + 1;
                }
            }

            if (_count == _strings.Length)
            {
                string[] bigger = new string[_count * 2];
                System.Array.Copy(_strings, bigger, _count);
                _strings = bigger;
            }

            _strings[_count++] = value;
            return _count;
        }
    }
}
