namespace Edge.Dataplane.Net
{
    /// <summary>
    /// A fixed-size circular byte buffer: socket receive queues and TCP send/receive buffers.
    /// Never grows; writes take what fits and say how much.
    /// </summary>
    public sealed class ByteRing
    {
        private readonly byte[] _data;
        private int _head;
        private int _count;

        public ByteRing(int capacity)
        {
            _data = new byte[capacity];
        }

        public int Capacity
        {
            get { return _data.Length; }
        }

        public int Count
        {
            get { return _count; }
        }

        public int Free
        {
            get { return _data.Length - _count; }
        }

        /// <summary>The byte <paramref name="index"/> bytes from the front, without removing anything (index &lt; Count).</summary>
        public byte ByteAt(int index)
        {
            return _data[(_head + index) % _data.Length];
        }

        public void Clear()
        {
            _head = 0;
            _count = 0;
        }

        /// <summary>Appends up to length bytes; returns how many fitted.</summary>
        public int Write(byte[] source, int offset, int length)
        {
            byte[] data = _data;
            int free = data.Length - _count;
            int n = length < free ? length : free;
            int tail = _head + _count;
            if (tail >= data.Length)
            {
                tail -= data.Length;
            }

            int first = n < data.Length - tail ? n : data.Length - tail;
            System.Array.Copy(source, offset, data, tail, first);
            if (n > first)
            {
                System.Array.Copy(source, offset + first, data, 0, n - first);
            }

            _count += n;
            return n;
        }

        /// <summary>Copies up to length bytes starting <paramref name="skip"/> bytes in, without removing them.</summary>
        public int Peek(int skip, byte[] destination, int offset, int length)
        {
            if (skip >= _count)
            {
                return 0;
            }

            int n = length < _count - skip ? length : _count - skip;
            int start = (_head + skip) % _data.Length;
            int first = n < _data.Length - start ? n : _data.Length - start;
            System.Array.Copy(_data, start, destination, offset, first);
            if (n > first)
            {
                System.Array.Copy(_data, 0, destination, offset + first, n - first);
            }

            return n;
        }

        /// <summary>Removes up to length bytes from the front; returns how many.</summary>
        public int Discard(int length)
        {
            int n = length < _count ? length : _count;
            _head = (_head + n) % _data.Length;
            _count -= n;
            if (_count == 0)
            {
                _head = 0;
            }

            return n;
        }

        /// <summary>Copies up to length bytes from the front and removes them (Peek and Discard in one body: sockets read per datagram).</summary>
        public int Read(byte[] destination, int offset, int length)
        {
            int n = length < _count ? length : _count;
            int capacity = _data.Length;
            int first = n < capacity - _head ? n : capacity - _head;
            System.Array.Copy(_data, _head, destination, offset, first);
            if (n > first)
            {
                System.Array.Copy(_data, 0, destination, offset + first, n - first);
            }

            _count -= n;
            int head = _head + n;
            _head = _count == 0 ? 0 : head >= capacity ? head - capacity : head;
            return n;
        }
    }
}
