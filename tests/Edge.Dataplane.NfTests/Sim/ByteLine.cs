#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>
    /// The management line between a host and a board (a console UART), in memory: what one end
    /// writes the other reads, each way through a fixed ring, as a UART's buffers fill.
    /// <see cref="Board"/> is the board's end; the host writes and reads with the other methods.
    /// </summary>
    public sealed class ByteLine
    {
        private readonly ByteRing _toBoard = new ByteRing(8192);
        private readonly ByteRing _toHost = new ByteRing(8192);

        public readonly IByteStream Board;

        public ByteLine()
        {
            Board = new BoardEnd(this);
        }

        /// <summary>The host sends bytes; all of them must fit.</summary>
        public bool HostWrite(byte[] buffer, int offset, int length)
        {
            return _toBoard.Write(buffer, offset, length) == length;
        }

        public int HostRead(byte[] buffer, int offset, int length)
        {
            return _toHost.Read(buffer, offset, length);
        }

        private sealed class BoardEnd : IByteStream
        {
            private readonly ByteLine _line;

            public BoardEnd(ByteLine line)
            {
                _line = line;
            }

            public int Read(byte[] buffer, int offset, int length)
            {
                return _line._toBoard.Read(buffer, offset, length);
            }

            public int Write(byte[] buffer, int offset, int length)
            {
                return _line._toHost.Write(buffer, offset, length);
            }
        }
    }
}
