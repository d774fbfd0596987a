namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// Writes message payloads compactly: unsigned LEB128 varints, 4-byte addresses, and
    /// strings as varint length + ASCII. Past the buffer's end it stops writing and sets
    /// <see cref="Overflow"/>, so a caller checks once at the end.
    /// </summary>
    public sealed class PayloadWriter
    {
        public byte[] Buffer;
        public int Offset;
        public int Position;
        public int Limit;
        public bool Overflow;

        public void Begin(byte[] buffer, int offset, int limit)
        {
            Buffer = buffer;
            Offset = offset;
            Position = offset;
            Limit = limit;
            Overflow = false;
        }

        public int Length
        {
            get { return Position - Offset; }
        }

        public void Byte(int value)
        {
            if (Position >= Limit)
            {
                Overflow = true;
                return;
            }

            Buffer[Position++] = (byte)value;
        }

        public void Bool(bool value)
        {
            Byte(value ? 1 : 0);
        }

        public void Varint(uint value)
        {
            while (value >= 0x80)
            {
                Byte((int)(value & 0x7F) | 0x80);
                value >>= 7;
            }

            Byte((int)value);
        }

        public void Int(int value)
        {
            Varint((uint)value);
        }

        public void Address(uint value)
        {
            Byte((int)(value >> 24));
            Byte((int)(value >> 16));
            Byte((int)(value >> 8));
            Byte((int)value);
        }

        public void String(string value)
        {
            if (value == null)
            {
                Varint(0);
                return;
            }

            Varint((uint)value.Length + 1); // 0 is null, n + 1 a string of n characters
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                Byte(c < 128 ? c : '?');
            }
        }
    
        /// <summary>Raw bytes with no length: for a field that runs to the payload's end.</summary>
        public void Raw(byte[] source, int offset, int length)
        {
            if (length > Limit - Position)
            {
                Overflow = true;
                return;
            }

            System.Array.Copy(source, offset, Buffer, Position, length);
            Position += length;
        }
    }
}
