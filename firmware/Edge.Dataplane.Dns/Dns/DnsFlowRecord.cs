using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// A DNS answer the node sends, kept as a flow event (`edgectl flows`, as Hubble shows a
    /// pod's DNS): the question's name and type, the rcode, how many answers and the first A
    /// record's address, read from the answer as it leaves (RFC 1035 4.1: the question echoed
    /// after the header, then the answers).
    /// </summary>
    public static class DnsFlowRecord
    {
        public static void Write(FlowLog flows, byte[] r, int length, uint client, ushort clientPort, uint server)
        {
            if (length < DnsHeader.Length || NetworkOrder.ReadU16(r, DnsHeader.QuestionCountField) == 0)
            {
                return; // a bare SERVFAIL for a query the forwarder lost carries no question
            }

            int rcode = NetworkOrder.ReadU16(r, DnsHeader.FlagsField) & 0x0F;
            int answers = NetworkOrder.ReadU16(r, DnsHeader.AnswerCountField);
            int at = DnsName.Skip(r, DnsHeader.Length, length);
            if (at < 0 || at + 4 > length)
            {
                return;
            }

            int type = NetworkOrder.ReadU16(r, at);
            at += 4;
            uint address = 0;
            for (int i = 0; i < answers && address == 0; i++)
            {
                at = DnsName.Skip(r, at, length);
                if (at < 0 || at + 10 > length)
                {
                    break;
                }

                int rdlength = NetworkOrder.ReadU16(r, at + 8);
                if (NetworkOrder.ReadU16(r, at) == DnsType.A && rdlength == 4 && at + 14 <= length)
                {
                    address = NetworkOrder.ReadU32(r, at + 10);
                }

                at += 10 + rdlength;
            }

            flows.Dns(IpProtocol.Udp, client, server, (uint)((clientPort << 16) | 53), address,
                (uint)((type << 16) | (rcode << 8) | (answers > 255 ? 255 : answers)), r, DnsHeader.Length, length);
        }
    }
}
