#nullable disable
using Edge.Dataplane.Platform;

namespace Edge.NanoClr.Programs
{
    /// <summary>The board's management port in memory: the scenario connects lines to it, the board's loop accepts them.</summary>
    public sealed class MemoryListener : IManagementListener
    {
        private readonly MemoryLine[] _waiting = new MemoryLine[4];
        private int _count;

        public long Accepted;
        public long Closed;

        /// <summary>A control plane connects: the line waits to be accepted.</summary>
        public void Connect(MemoryLine line)
        {
            _waiting[_count++] = line;
        }

        public IByteStream Accept()
        {
            if (_count == 0)
            {
                return null;
            }

            MemoryLine line = _waiting[0];
            for (int i = 1; i < _count; i++)
            {
                _waiting[i - 1] = _waiting[i];
            }

            _waiting[--_count] = null;
            Accepted++;
            return line;
        }

        public void Close(IByteStream line)
        {
            ((MemoryLine)line).ClosedByBoard = true;
            Closed++;
        }
    }
}
