namespace Edge.Dataplane.Net
{
    /// <summary>
    /// The node's journal of what its pods write, for `edgectl logs`: one fixed ring for all of
    /// them, each line tagged with its pod, allocated on the first line. Older lines fall off
    /// the front as a container runtime's rotated log would. One ring for the node instead of one
    /// per pod: eight serving pods on a small board would otherwise each hold their own.
    /// </summary>
    public sealed class NodeLog
    {
        /// <summary>The longest line kept (a record's length is one byte).</summary>
        public const int MaxLine = 255;

        private readonly int _capacity;
        private byte[] _data;
        private int _head;
        private int _count;
        private byte _nextTag;

        public NodeLog(int capacity)
        {
            _capacity = capacity;
        }

        public int Capacity
        {
            get { return _capacity; }
        }

        /// <summary>A tag for a new pod's lines (1 to 255, then round again: by then its lines are long gone).</summary>
        public byte NextTag()
        {
            _nextTag = (byte)(_nextTag == 255 ? 1 : _nextTag + 1);
            return _nextTag;
        }

        /// <summary>Appends a line for the pod with this tag, dropping the oldest whole lines to make room.</summary>
        public void Line(byte tag, string text)
        {
            if (_data == null)
            {
                _data = new byte[_capacity];
            }

            int length = text.Length < MaxLine ? text.Length : MaxLine;
            if (length + 2 > _capacity)
            {
                length = _capacity - 2;
            }

            while (_capacity - _count < length + 2)
            {
                int oldest = _data[(_head + 1) % _capacity];
                _head = (_head + 2 + oldest) % _capacity;
                _count -= 2 + oldest;
            }

            Put(tag);
            Put((byte)length);
            for (int i = 0; i < length; i++)
            {
                char c = text[i];
                Put((byte)(c < 128 && c != '\n' ? c : '?'));
            }
        }

        /// <summary>The lines of the pod with this tag, oldest first, each ending in a newline.</summary>
        public string Text(byte tag)
        {
            if (_data == null)
            {
                return "";
            }

            int chars = 0;
            for (int at = 0; at < _count; at += 2 + _data[(_head + at + 1) % _capacity])
            {
                if (_data[(_head + at) % _capacity] == tag)
                {
                    chars += _data[(_head + at + 1) % _capacity] + 1;
                }
            }

            char[] text = new char[chars];
            int n = 0;
            for (int at = 0; at < _count; at += 2 + _data[(_head + at + 1) % _capacity])
            {
                if (_data[(_head + at) % _capacity] != tag)
                {
                    continue;
                }

                int length = _data[(_head + at + 1) % _capacity];
                for (int i = 0; i < length; i++)
                {
                    text[n++] = (char)_data[(_head + at + 2 + i) % _capacity];
                }

                text[n++] = '\n';
            }

            return new string(text);
        }

        private void Put(byte b)
        {
            _data[(_head + _count) % _capacity] = b;
            _count++;
        }
    }
}
