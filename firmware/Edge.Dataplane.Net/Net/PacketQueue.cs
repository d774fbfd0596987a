namespace Edge.Dataplane.Net
{
    /// <summary>A bounded first-in first-out ring of packet buffers.</summary>
    public sealed class PacketQueue
    {
        private readonly PacketBuffer[] _ring;
        private int _head;
        private int _count;

        public PacketQueue(int capacity)
        {
            _ring = new PacketBuffer[capacity];
        }

        public int Count
        {
            get { return _count; }
        }

        public bool IsFull
        {
            get { return _count == _ring.Length; }
        }

        /// <summary>False (and the buffer untouched) when full.</summary>
        public bool Enqueue(PacketBuffer buffer)
        {
            if (_count == _ring.Length)
            {
                return false;
            }

            _ring[(_head + _count) % _ring.Length] = buffer;
            _count++;
            return true;
        }

        /// <summary>The oldest buffer, or null when empty.</summary>
        public PacketBuffer Dequeue()
        {
            if (_count == 0)
            {
                return null;
            }

            PacketBuffer buffer = _ring[_head];
            _ring[_head] = null;
            _head = (_head + 1) % _ring.Length;
            _count--;
            return buffer;
        }
    }
}
