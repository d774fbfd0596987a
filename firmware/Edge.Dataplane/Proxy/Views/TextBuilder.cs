namespace Edge.Dataplane.Proxy.Views
{
    /// <summary>
    /// A growable text buffer for the teaching views (nanoFramework's StringBuilder lives in a
    /// package the dataplane does not take on for this). Not for the packet path.
    /// </summary>
    public sealed class TextBuilder
    {
        private char[] _chars = new char[256];
        private int _length;

        public TextBuilder Append(string text)
        {
            if (text == null)
            {
                return this;
            }

            Ensure(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                _chars[_length++] = text[i];
            }

            return this;
        }

        public TextBuilder Line(string text)
        {
            return Append(text).Append("\n");
        }

        /// <summary>Appends text padded with spaces to at least width characters (left-aligned).</summary>
        public TextBuilder Pad(string text, int width)
        {
            Append(text);
            for (int i = text.Length; i < width; i++)
            {
                Append(" ");
            }

            return this;
        }

        public int Length
        {
            get { return _length; }
        }

        public override string ToString()
        {
            return new string(_chars, 0, _length);
        }

        private void Ensure(int more)
        {
            if (_length + more <= _chars.Length)
            {
                return;
            }

            int size = _chars.Length * 2;
            while (size < _length + more)
            {
                size *= 2;
            }

            char[] bigger = new char[size];
            System.Array.Copy(_chars, bigger, _length);
            _chars = bigger;
        }
    }
}
