#nullable disable
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;

namespace Edge.NanoClr.Programs
{
    /// <summary>
    /// A management line in memory, the board at one end (this object) and a host at the other
    /// (<see cref="Host"/>). What the host writes reaches the board at the line's pace: all of it
    /// at the next <see cref="Deliver"/> for TCP, or so many bytes a turn for a UART (115200
    /// baud carries 115 bytes in 10 ms); the board reads at most 64 bytes a call, as a UART's
    /// FIFO or a TCP segment hands them over, so frames arrive split. A host that hangs up makes
    /// both ends read -1, as a closed socket does.
    /// </summary>
    public sealed class MemoryLine : IByteStream
    {
        private const int ReadChunk = 64;

        private readonly ByteRing _sent = new ByteRing(8192);
        private readonly ByteRing _arrived = new ByteRing(8192);
        private readonly ByteRing _fromBoard = new ByteRing(16384);
        private readonly int _bytesPerDelivery;
        private readonly byte[] _chunk = new byte[256];

        public readonly IByteStream Host;
        public bool HungUp;

        /// <summary>The board closed its end (its listener hung up on a replaced or gone connection).</summary>
        public bool ClosedByBoard;

        public long BytesToBoard;
        public long BytesFromBoard;

        /// <param name="bytesPerDelivery">Bytes the line carries to the board per <see cref="Deliver"/>; 0: everything sent.</param>
        public MemoryLine(int bytesPerDelivery)
        {
            _bytesPerDelivery = bytesPerDelivery;
            Host = new HostEnd(this);
        }

        /// <summary>Moves what the host sent onto the board's side, as much as the line carries in one turn.</summary>
        public void Deliver()
        {
            int room = _bytesPerDelivery == 0 ? _sent.Count : _bytesPerDelivery;
            while (room > 0 && _sent.Count > 0)
            {
                int n = _sent.Read(_chunk, 0, room < _chunk.Length ? room : _chunk.Length);
                _arrived.Write(_chunk, 0, n);
                room -= n;
            }
        }

        public int Read(byte[] buffer, int offset, int length)
        {
            if (HungUp || ClosedByBoard)
            {
                return -1;
            }

            int n = _arrived.Read(buffer, offset, length < ReadChunk ? length : ReadChunk);
            BytesToBoard += n;
            return n;
        }

        public int Write(byte[] buffer, int offset, int length)
        {
            if (HungUp || ClosedByBoard)
            {
                return -1;
            }

            int n = _fromBoard.Write(buffer, offset, length);
            BytesFromBoard += n;
            return n;
        }

        private sealed class HostEnd : IByteStream
        {
            private readonly MemoryLine _line;

            public HostEnd(MemoryLine line)
            {
                _line = line;
            }

            public int Read(byte[] buffer, int offset, int length)
            {
                int n = _line._fromBoard.Read(buffer, offset, length);
                return n == 0 && (_line.HungUp || _line.ClosedByBoard) ? -1 : n;
            }

            public int Write(byte[] buffer, int offset, int length)
            {
                return _line.HungUp || _line.ClosedByBoard ? -1 : _line._sent.Write(buffer, offset, length);
            }
        }
    }
}
