#nullable disable
using Edge.Dataplane.Platform;

namespace Edge.NanoClr.Programs
{
    /// <summary>The board's VXLAN socket with no other board on the LAN: what it sends is counted, nothing arrives.</summary>
    public sealed class MemoryPort : IDatagramPort
    {
        private readonly uint _address;
        private readonly ushort _port;

        public long Sent;

        public MemoryPort(uint address, ushort port)
        {
            _address = address;
            _port = port;
        }

        public uint LocalAddress
        {
            get { return _address; }
        }

        public ushort LocalPort
        {
            get { return _port; }
        }

        public bool Send(uint address, ushort port, byte[] buffer, int offset, int length)
        {
            Sent++;
            return true;
        }

        public bool Readable
        {
            get { return false; }
        }

        public int Receive(byte[] buffer, int offset, int capacity, out uint address, out ushort port)
        {
            address = 0;
            port = 0;
            return -1;
        }
    }
}
