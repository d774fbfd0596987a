// nanoFramework.System.Net 1.11.54: the System.Net addresses and endpoints Edge.Firmware uses.
namespace System.Net
{
    using System.Net.Sockets;

    public class SocketAddress
    {
        public SocketAddress(AddressFamily family, int size) { }
        public AddressFamily Family => throw null;
        public int Size => throw null;
    }

    public abstract class EndPoint
    {
        public abstract SocketAddress Serialize();
        public abstract EndPoint Create(SocketAddress socketAddress);
    }

    public class IPAddress
    {
        public static readonly IPAddress Any;
        public static readonly IPAddress Loopback;
        public IPAddress(long newAddress) { }
        public IPAddress(byte[] address) { }
        public AddressFamily AddressFamily => throw null;
        public byte[] GetAddressBytes() => throw null;
        public static IPAddress Parse(string ipString) => throw null;
        public override string ToString() => throw null;
    }

    public class IPEndPoint : EndPoint
    {
        public IPEndPoint(long address, int port) { }
        public IPEndPoint(IPAddress address, int port) { }
        public IPAddress Address => throw null;
        public int Port => throw null;
        public override SocketAddress Serialize() => throw null;
        public override EndPoint Create(SocketAddress socketAddress) => throw null;
    }
}
