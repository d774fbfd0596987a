using System.Net;
using System.Net.Sockets;

namespace Edge.Firmware.Platform
{
    /// <summary>
    /// A datagram from a nanoFramework 1.x socket without waiting (1.x sockets block, so it polls
    /// first), with the sender as the dataplane wants it. Socket errors go to the caller, which counts them.
    /// </summary>
    public static class PolledReceive
    {
        /// <summary>The datagram's length, or -1 when none is waiting.</summary>
        public static int From(Socket socket, byte[] buffer, int offset, int length, ref EndPoint from, out uint address, out ushort port)
        {
            address = 0;
            port = 0;
            if (!socket.Poll(0, SelectMode.SelectRead))
            {
                return -1;
            }

            int n = socket.ReceiveFrom(buffer, offset, length, SocketFlags.None, ref from);
            address = Addresses.FromEndPoint(from);
            port = Addresses.PortOf(from);
            return n;
        }
    }
}
