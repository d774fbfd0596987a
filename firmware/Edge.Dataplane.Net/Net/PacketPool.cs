namespace Edge.Dataplane.Net
{
    /// <summary>
    /// A fixed set of packet buffers, allocated once at boot. Rent returns null when all are in
    /// use: the caller drops the frame and counts it (<see cref="DropReason.NoBuffer"/>); the
    /// pool never grows.
    /// </summary>
    public sealed class PacketPool
    {
        private readonly PacketBuffer[] _buffers;
        private readonly int[] _free;
        private int _freeCount;

        public PacketPool(int count)
        {
            _buffers = new PacketBuffer[count];
            _free = new int[count];
            for (int i = 0; i < count; i++)
            {
                _buffers[i] = new PacketBuffer();
                _buffers[i].Index = i;
                _free[i] = count - 1 - i;
            }

            _freeCount = count;
        }

        public int Capacity
        {
            get { return _buffers.Length; }
        }

        public int Available
        {
            get { return _freeCount; }
        }

        /// <summary>A reset buffer, or null when the pool is empty.</summary>
        public PacketBuffer Rent()
        {
            if (_freeCount == 0)
            {
                return null;
            }

            PacketBuffer buffer = _buffers[_free[--_freeCount]];
            buffer.Offset = PacketBuffer.Headroom; // Reset(), in this body: every packet is rented
            buffer.Length = 0;
            buffer.Port = 0;
            buffer.ChecksumsValid = false;
            return buffer;
        }

        public void Return(PacketBuffer buffer)
        {
            if (buffer == null)
            {
                return;
            }

            _free[_freeCount++] = buffer.Index;
        }
    }
}
