using Edge.Dataplane.Platform;

namespace Edge.VirtualBoard.Budget;

/// <summary>A platform that carries no traffic: for pricing a board's memory, where only what it holds matters.</summary>
public static class NullPlatform
{
    /// <summary>A VXLAN port that carries nothing.</summary>
    public sealed class Port : IDatagramPort
    {
        public uint LocalAddress => 0;
        public ushort LocalPort => 0;
        public bool Send(uint address, ushort port, byte[] buffer, int offset, int length) => true;

        public bool Readable => false;

        public int Receive(byte[] buffer, int offset, int capacity, out uint address, out ushort port)
        {
            address = 0;
            port = 0;
            return -1;
        }
    }

    /// <summary>The board's own sockets live in lwIP, not the managed heap: handles that never carry anything.</summary>
    public sealed class HostSockets : IHostSockets
    {
        private int _next = 1;

        public int ListenTcp(ushort port) => _next++;
        public int ConnectTcp(uint address, ushort port) => -1;
        public int ConnectState(int connection) => -1;

        public int Accept(int listener, out uint remoteAddress, out ushort remotePort)
        {
            remoteAddress = 0;
            remotePort = 0;
            return -1;
        }

        public int Receive(int connection, byte[] buffer, int offset, int length) => 0;
        public int Send(int connection, byte[] buffer, int offset, int length) => length;
        public void ShutdownSend(int connection)
        {
        }

        public int OpenUdp(ushort port) => _next++;

        public int ReceiveFrom(int udp, byte[] buffer, int offset, int length, out uint address, out ushort port)
        {
            address = 0;
            port = 0;
            return -1;
        }

        public bool SendTo(int udp, uint address, ushort port, byte[] buffer, int offset, int length) => true;
        public void Close(int handle)
        {
        }
    }
}
