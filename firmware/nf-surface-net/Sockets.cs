// nanoFramework.System.Net 1.11.54: System.Net.Sockets, the members Edge.Firmware uses.
// Note what 1.x lacks: no Blocking property (sockets block; poll before a call that could),
// no async, no Select; ReceiveFrom's interpreter creates a new IPEndPoint per datagram.
namespace System.Net.Sockets
{
    public enum AddressFamily { Unknown = -1, Unspecified = 0, InterNetwork = 2, InterNetworkV6 = 23 }

    public enum SocketType { Unknown = -1, Stream = 1, Dgram = 2, Raw = 3 }

    public enum ProtocolType { IP = 0, Icmp = 1, Tcp = 6, Udp = 17, Raw = 255 }

    public enum SelectMode { SelectRead = 0, SelectWrite = 1, SelectError = 2 }

    [Flags]
    public enum SocketFlags { None = 0x0000, OutOfBand = 0x0001, Peek = 0x0002, DontRoute = 0x0004 }

    public enum SocketOptionLevel { IP = 0, Tcp = 6, Udp = 17, Socket = 0xffff }

    public enum SocketOptionName { NoDelay = 1, ReuseAddress = 0x0004, KeepAlive = 0x0008, Broadcast = 0x0020, Linger = 0x0080 }

    public enum SocketError { Success = 0, SocketError = -1, WouldBlock = 10035, ConnectionReset = 10054, NotConnected = 10057, TimedOut = 10060, ConnectionRefused = 10061 }

    public class SocketException : Exception
    {
        public SocketException(SocketError errorCode) { }
        public int ErrorCode => throw null;
    }

    public class Socket : IDisposable
    {
        public Socket(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType) { }
        public int Available => throw null;
        public EndPoint LocalEndPoint => throw null;
        public EndPoint RemoteEndPoint => throw null;
        public bool Connected => throw null;
        public int ReceiveTimeout { get => throw null; set => throw null; }
        public int SendTimeout { get => throw null; set => throw null; }
        public void Bind(EndPoint localEP) => throw null;
        public void Connect(EndPoint remoteEP) => throw null;
        public void Close() => throw null;
        public void Listen(int backlog) => throw null;
        public Socket Accept() => throw null;
        public int Send(byte[] buffer, int offset, int size, SocketFlags socketFlags) => throw null;
        public int SendTo(byte[] buffer, int offset, int size, SocketFlags socketFlags, EndPoint remoteEP) => throw null;
        public int Receive(byte[] buffer, int offset, int size, SocketFlags socketFlags) => throw null;
        public int ReceiveFrom(byte[] buffer, int offset, int size, SocketFlags socketFlags, ref EndPoint remoteEP) => throw null;
        public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, int optionValue) => throw null;
        public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, bool optionValue) => throw null;
        public bool Poll(int microSeconds, SelectMode mode) => throw null;
        public void Dispose() => throw null;
    }
}
