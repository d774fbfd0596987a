namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// Reads what <see cref="PayloadWriter"/> wrote. Reading past the end, an overlong varint
    /// or an absurd length sets <see cref="Failed"/> and returns zeros, so decoding a damaged
    /// payload ends in one check, never an exception.
    /// </summary>
    public sealed class PayloadReader
    {
        private byte[] _buffer;
        private int _position;
        private int _end;

        public bool Failed;

        /// <summary>
        /// Bytes of the same message that arrive after this buffer's end (the later parts of a
        /// state, <see cref="StatePart"/>): counts are checked against them too. 0 after Begin.
        /// </summary>
        public int Beyond;

        public void Begin(byte[] buffer, int offset, int length)
        {
            _buffer = buffer;
            _position = offset;
            _end = offset + length;
            Failed = false;
            Beyond = 0;
        }

        /// <summary>Where the next read starts: saved to read a section twice (compare, then decode).</summary>
        public int Position
        {
            get { return _position; }
            set { _position = value; }
        }

        public bool AtEnd
        {
            get { return _position >= _end; }
        }

        /// <summary>Bytes between the next read and the buffer's end.</summary>
        public int Left
        {
            get { return _end - _position; }
        }

        public int Byte()
        {
            if (_position >= _end)
            {
                Failed = true;
                return 0;
            }

            return _buffer[_position++];
        }

        public bool Bool()
        {
            return Byte() != 0;
        }

        public uint Varint()
        {
            uint value = 0;
            for (int shift = 0; shift < 35; shift += 7)
            {
                int b = Byte();
                value |= (uint)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            Failed = true;
            return 0;
        }

        public int Int()
        {
            return (int)Varint();
        }

        /// <summary>A count of items, each at least minimumBytes long: refused if the rest of the payload (with what follows it, <see cref="Beyond"/>) cannot hold them.</summary>
        public int Count(int minimumBytes)
        {
            uint n = Varint();
            if (n > (uint)(_end - _position + Beyond) / (uint)(minimumBytes < 1 ? 1 : minimumBytes))
            {
                Failed = true;
                return 0;
            }

            return (int)n;
        }

        /// <summary>Copies the next <paramref name="length"/> bytes (a nonce, a MAC, a wrapped key) to destination[offset]; false, and Failed, when the payload is shorter.</summary>
        public bool Raw(byte[] destination, int offset, int length)
        {
            if (length > _end - _position)
            {
                Failed = true;
                return false;
            }

            System.Array.Copy(_buffer, _position, destination, offset, length);
            _position += length;
            return true;
        }

        public uint Address()
        {
            return ((uint)Byte() << 24) | ((uint)Byte() << 16) | ((uint)Byte() << 8) | (uint)Byte();
        }

        public string String()
        {
            uint n = Varint();
            if (n == 0)
            {
                return null;
            }

            n--;
            if (n > (uint)(_end - _position))
            {
                Failed = true;
                return "";
            }

            char[] chars = new char[n];
            for (int i = 0; i < n; i++)
            {
                chars[i] = (char)_buffer[_position++];
            }

            return new string(chars);
        }
    }
}
