namespace Edge.Dataplane.Text
{
    /// <summary>
    /// Text for the teaching views (nanoFramework's StringBuilder lives in a package the
    /// dataplane does not take on for this). Growable, for a string; or streaming, a fixed buffer
    /// handed to a sink whenever it fills, so a board renders a table of any length in a few
    /// hundred bytes. Not for the packet path.
    /// </summary>
    public sealed class TextBuilder
    {
        private char[] _chars;
        private int _length;
        private readonly ITextSink _sink;

        public TextBuilder()
        {
            _chars = new char[256];
        }

        /// <summary>A streaming builder: text goes to <paramref name="sink"/> a buffer at a time; call <see cref="Flush"/> at the end.</summary>
        public TextBuilder(ITextSink sink, int bufferChars)
        {
            _sink = sink;
            _chars = new char[bufferChars];
        }

        /// <summary>Hands what is buffered to the sink (streaming builders).</summary>
        public void Flush()
        {
            if (_sink != null && _length > 0)
            {
                _sink.Write(_chars, _length);
                _length = 0;
            }
        }

        public TextBuilder Append(string text)
        {
            if (text == null)
            {
                return this;
            }

            if (_sink != null)
            {
                for (int i = 0; i < text.Length; i++)
                {
                    if (_length == _chars.Length)
                    {
                        Flush();
                    }

                    _chars[_length++] = text[i];
                }

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
