using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// The packet `edgectl trace` makes a pod send, through the pod's own stack (its routes, its
    /// ARP, its eth0) as any of its programs' packets go: a TCP SYN (what `curl` sends first), a
    /// UDP datagram, or an ICMP echo request when no port is given (`ping`). Nothing in the pod
    /// waits for the answer: the pod's stack answers a SYN-ACK with a reset and drops an echo
    /// reply, as a Linux pod would for a connection it never opened.
    /// </summary>
    public static class TraceProbe
    {
        /// <summary>What a traced UDP datagram or echo request carries.</summary>
        private const string Payload = "edge-trace";

        /// <summary>Sends it; false when the pod has no buffer (counted as no-buffer).</summary>
        public static bool Send(PodSandbox pod, int protocol, uint destination, int port, int mark)
        {
            // An ephemeral port (RFC 6335's dynamic range) of the trace's own, so its answer is told from the pod's connections.
            ushort sourcePort = (ushort)(49152 + (mark & 0x3FFF));
            byte[] payload = new byte[Payload.Length];
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] = (byte)Payload[i]; // ASCII
            }

            if (protocol == IpProtocol.Udp)
            {
                if (port == 53)
                {
                    payload = DnsQuestion(pod.ClusterDomain, mark);
                }

                return pod.SendUdp(sourcePort, destination, (ushort)port, payload, 0, payload.Length);
            }

            PacketBuffer frame = pod.Rent();
            if (frame == null)
            {
                return false;
            }

            NodeContext node = pod.Node;
            uint source = pod.SourceFor(destination);
            int upper = frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
            if (protocol == IpProtocol.Tcp)
            {
                TcpRepr tcp = node.TcpOut;
                tcp.SourcePort = sourcePort;
                tcp.DestinationPort = (ushort)port;
                tcp.SequenceNumber = node.Random.NextUInt32();
                tcp.AcknowledgmentNumber = 0;
                tcp.Flags = TcpFlags.Syn;
                tcp.Window = 64240;
                tcp.UrgentPointer = 0;
                tcp.MaximumSegmentSize = 1460;
                tcp.WindowScale = TcpRepr.NoWindowScale;
                tcp.SackPermitted = false;
                tcp.SackBlockCount = 0;
                tcp.HasTimestamps = false;
                tcp.PayloadLength = 0;
                tcp.Emit(frame.Data, upper, source, destination);
                pod.SendIp(frame, IpProtocol.Tcp, source, destination, tcp.EmitHeaderLength());
                return true;
            }

            IcmpRepr icmp = node.IcmpOut;
            icmp.Type = IcmpType.EchoRequest;
            icmp.Code = 0;
            icmp.Identifier = sourcePort;
            icmp.SequenceNumber = 1;
            icmp.DataLength = payload.Length;
            System.Array.Copy(payload, 0, frame.Data, upper + IcmpPacket.HeaderLength, payload.Length);
            icmp.Emit(frame.Data, upper);
            pod.SendIp(frame, IpProtocol.Icmp, source, destination, IcmpPacket.HeaderLength + payload.Length);
            return true;
        }

        // To port 53 a datagram is a DNS query (RFC 1035 4.1), so a DNS server answers it: for the
        // name every cluster has, kubernetes.default.svc.<domain>, type A, recursion desired.
        private static byte[] DnsQuestion(string domain, int id)
        {
            string name = "kubernetes.default.svc." + domain;
            byte[] query = new byte[12 + name.Length + 2 + 4];
            query[0] = (byte)(id >> 8);
            query[1] = (byte)id;
            query[2] = 0x01; // RD
            query[5] = 1; // one question
            int at = 12;
            int label = at++;
            for (int i = 0; i < name.Length; i++)
            {
                if (name[i] == '.')
                {
                    query[label] = (byte)(at - label - 1);
                    label = at++;
                    continue;
                }

                query[at++] = (byte)name[i];
            }

            query[label] = (byte)(at - label - 1);
            query[at++] = 0; // the root
            query[at + 1] = 1; // type A
            query[at + 3] = 1; // class IN
            return query;
        }
    }
}