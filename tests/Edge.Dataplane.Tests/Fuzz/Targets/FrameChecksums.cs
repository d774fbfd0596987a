using Edge.Dataplane.Wire;

namespace Edge.Fuzz;

/// <summary>
/// Rewrites the IPv4, ICMP, UDP and TCP checksums of an Ethernet frame (and of the frame inside
/// VXLAN) so they verify. A fuzzer cannot compute a checksum, so without this nearly every
/// mutated frame would stop at BadChecksum; harnesses run each input as it is and once more
/// fixed. Reads the headers at RFC offsets with its own bounds checks: any bytes are safe.
/// </summary>
public static class FrameChecksums
{
    private const int EthernetHeader = 14;

    /// <summary>Fixes what can be fixed in place in b[offset, offset + length).</summary>
    public static void Fix(byte[] b, int offset, int length, ushort vxlanPort = VxlanHeader.IanaPort, int depth = 0)
    {
        if (length < EthernetHeader + 20 || b[offset + 12] != 0x08 || b[offset + 13] != 0x00)
        {
            return;
        }

        int ip = offset + EthernetHeader;
        int ipRoom = length - EthernetHeader;
        int headerLength = (b[ip] & 0x0F) * 4;
        if ((b[ip] >> 4) != 4 || headerLength < 20 || headerLength > ipRoom)
        {
            return;
        }

        int totalLength = (b[ip + 2] << 8) | b[ip + 3];
        if (totalLength >= headerLength && totalLength <= ipRoom)
        {
            uint source = NetworkOrder.ReadU32(b, ip + 12);
            uint destination = NetworkOrder.ReadU32(b, ip + 16);
            FixTransport(b, b[ip + 9], ip + headerLength, totalLength - headerLength, source, destination, vxlanPort, depth);
        }

        b[ip + 10] = 0;
        b[ip + 11] = 0;
        NetworkOrder.WriteU16(b, ip + 10, Checksum.Compute(b, ip, headerLength));
    }

    private static void FixTransport(byte[] b, byte protocol, int at, int length, uint source, uint destination, ushort vxlanPort, int depth)
    {
        switch (protocol)
        {
            case IpProtocol.Icmp when length >= 4:
                b[at + 2] = 0;
                b[at + 3] = 0;
                NetworkOrder.WriteU16(b, at + 2, Checksum.Compute(b, at, length));
                break;
            case IpProtocol.Udp when length >= 8:
                int udpLength = (b[at + 4] << 8) | b[at + 5];
                if (udpLength < 8 || udpLength > length)
                {
                    return;
                }

                if (depth == 0 && NetworkOrder.ReadU16(b, at + 2) == vxlanPort && udpLength >= 16)
                {
                    Fix(b, at + 16, udpLength - 16, vxlanPort, depth + 1); // the inner frame first: the outer sum covers it
                }

                if ((b[at + 6] | b[at + 7]) == 0)
                {
                    return; // no checksum sent: keep it so
                }

                b[at + 6] = 0;
                b[at + 7] = 0;
                ushort udpSum = Checksum.Finish(Checksum.Add(Checksum.PseudoHeader(source, destination, IpProtocol.Udp, udpLength), b, at, udpLength));
                NetworkOrder.WriteU16(b, at + 6, udpSum == 0 ? (ushort)0xFFFF : udpSum);
                break;
            case IpProtocol.Tcp when length >= 20:
                b[at + 16] = 0;
                b[at + 17] = 0;
                NetworkOrder.WriteU16(b, at + 16, Checksum.Finish(Checksum.Add(Checksum.PseudoHeader(source, destination, IpProtocol.Tcp, length), b, at, length)));
                break;
        }
    }
}
