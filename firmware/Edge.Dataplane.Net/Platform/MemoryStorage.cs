namespace Edge.Dataplane.Platform
{
    /// <summary>A few records kept in memory only (tests, and a board whose flash cannot be used): lost at restart.</summary>
    public sealed class MemoryStorage : IStorage
    {
        private readonly string[] _keys = Empty.NewStrings(8); // free slots are null, and compared with keys: real nulls (see Empty.NewStrings)
        private readonly byte[][] _records = new byte[8][];

        // Slots written so far. Only those are compared: on nanoCLR the unwritten elements of a
        // new string[] are not plain nulls, and comparing one with a string (==, Equals,
        // ReferenceEquals) crashes the interpreter (nf-interpreter's x64 and x86 hosts, measured).
        private int _count;

        public byte[] Read(string key)
        {
            int i = IndexOf(key);
            if (i < 0)
            {
                return null;
            }

            byte[] copy = new byte[_records[i].Length];
            System.Array.Copy(_records[i], copy, copy.Length);
            return copy;
        }

        public bool Write(string key, byte[] buffer, int offset, int length)
        {
            int i = IndexOf(key);
            if (i < 0)
            {
                if (_count == _keys.Length)
                {
                    return false;
                }

                i = _count++;
            }

            byte[] record = new byte[length];
            System.Array.Copy(buffer, offset, record, 0, length);
            _keys[i] = key;
            _records[i] = record;
            return true;
        }

        private int IndexOf(string key)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_keys[i] == key)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
