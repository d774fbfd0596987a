using System.Net;

namespace Edge.Firmware.Platform
{
    /// <summary>The dataplane's addresses are uints in network order (10.244.1.2 is 0x0AF40102); sockets want IPAddress.</summary>
    public static class Addresses
    {
        public static IPAddress ToIPAddress(uint address)
        {
            return new IPAddress(new byte[] { (byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address });
        }

        public static uint FromEndPoint(EndPoint endPoint)
        {
            IPEndPoint ip = endPoint as IPEndPoint;
            if (ip == null)
            {
                return 0;
            }

            byte[] b = ip.Address.GetAddressBytes();
            return b.Length < 4 ? 0 : ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        }

        public static ushort PortOf(EndPoint endPoint)
        {
            IPEndPoint ip = endPoint as IPEndPoint;
            return ip == null ? (ushort)0 : (ushort)ip.Port;
        }
    }
}
