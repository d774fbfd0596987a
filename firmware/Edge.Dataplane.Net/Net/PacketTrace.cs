using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// The packet tracer's record on one board (`edgectl trace`), as Packet Tracer's simulation
    /// mode steps a PDU: while a trace is armed, each point where the dataplane decides about a
    /// frame (the bridge, the gateway's routing with kube-proxy's prerouting and policy's forward
    /// hook, VXLAN out and in, a drop) records a hop when the frame is the traced packet: the
    /// frame's headers as they leave that point, and the flow events that point wrote (the
    /// endpoint picked, the un-DNAT, the policy verdict: the records real traffic makes, not a
    /// model of them).
    ///
    /// The traced packet carries the trace's mark in its IPv4 Identification (RFC 791; RFC 6864
    /// gives an atomic datagram's no meaning), its reply the mark + 1, so every board knows it
    /// across NAT and VXLAN without keeping its tuple. A packet is marked where it enters the
    /// bridge from a pod (the one the tracer made the pod send, or the next one matching what it
    /// follows); a reply where the pod or node the request reached answers it.
    /// Made when the control plane arms a trace, dropped when it clears it: without one the
    /// dataplane pays one field read at each point.
    /// </summary>
    public sealed class PacketTrace
    {
        /// <summary>The bridge forwarded it (A: the port it came in on, B: the port it went out of, -1 flooded; port 0 is the gateway).</summary>
        public const int Bridged = 1;

        /// <summary>The gateway routed it (A: where, one of the To values, with the prerouting verdict &lt;&lt; 8; B: the peer node's address when into VXLAN).</summary>
        public const int Routed = 2;

        /// <summary>Into VXLAN (A: the peer VTEP's address, B: the VNI); the hop's headers are the inner frame's.</summary>
        public const int Encapsulated = 3;

        /// <summary>Out of VXLAN (A: the peer VTEP's address it came from).</summary>
        public const int Decapsulated = 4;

        /// <summary>Dropped (A: the <see cref="DropReason"/>).</summary>
        public const int Dropped = 5;

        /// <summary>Routed onto the bridge's subnet: a pod of this node.</summary>
        public const int ToPod = 1;

        /// <summary>Routed into VXLAN, to another node's pods.</summary>
        public const int ToPeer = 2;

        /// <summary>For the node itself: its address, its VTEP, the node-local DNS.</summary>
        public const int ToNode = 3;

        /// <summary>Handed to the board's egress relay (a pod calling outside the cluster).</summary>
        public const int ToEgress = 4;

        /// <summary>Refused by kube-proxy (no endpoint): the node answers ICMP port unreachable.</summary>
        public const int Rejected = 5;

        /// <summary>The node's own sandbox sent it (an answer from the node, an ICMP error).</summary>
        public const int FromNode = 6;

        /// <summary>Bytes of each hop's frame kept (Ethernet, IPv4 and a TCP header with Linux's SYN options).</summary>
        public const int HeaderBytes = 80;

        /// <summary>Flow events kept with a hop (a pick and a policy verdict can come from one point).</summary>
        public const int EventsPerHop = 2;

        // A hop's words: when, what (step << 24 | reply << 16 | events << 8 | header bytes), A, B,
        // the first event's sequence number, then the events' words.
        private const int HopWords = 5 + EventsPerHop * FlowLog.Words;

        private readonly uint[] _hops;
        private readonly byte[] _headers;
        private readonly FlowLog _flows;
        private readonly IClock _clock;
        private readonly long _until;
        private long _eventsFrom;
        private readonly int _mark;
        private int _count;
        private int _lost;

        // What is marked when it enters the bridge from a pod: the packet followed (protocol << 16
        // | destination port, and source << 32 | destination), then the reply to the request.
        private long _followPorts = -1;
        private long _followAddresses;
        private long _reply = -1;

        /// <summary>Only record: another board marks the packet.</summary>
        public const int RecordOnly = 0;

        /// <summary>Mark the next packet the source sends that matches.</summary>
        public const int FollowNext = 1;

        /// <summary>Make the source send one (<see cref="TraceProbe"/>) and mark it.</summary>
        public const int SendOne = 2;

        /// <summary>
        /// Arms a trace on the node for <paramref name="forMs"/> (0 clears it), replacing any: it
        /// records the packets marked <paramref name="mark"/> and their replies, and per
        /// <paramref name="mode"/> marks the next one <paramref name="from"/> (a pod, or the node's
        /// own sandbox) sends with <paramref name="protocol"/> to destination:port, having it send
        /// one first. It keeps half as many hops as the node keeps flow events, 8 to 32.
        /// Returns null, or why not.
        /// </summary>
        public static string Start(NodeContext node, FlowLog flows, int mark, int forMs, int mode, PodSandbox from, int protocol, uint destination, int port)
        {
            node.Trace = null; // the last trace's memory is the new one's
            if (forMs <= 0)
            {
                return null;
            }

            if (mode != RecordOnly && from == null)
            {
                return "no such pod on this node";
            }

            int hops = node.Config.FlowEvents / 2;
            PacketTrace trace;
            try
            {
                trace = new PacketTrace(hops < 8 ? 8 : hops > 32 ? 32 : hops, mark, node.Now + forMs, flows, node.Clock);
            }
            catch (System.OutOfMemoryException)
            {
                return "the board has no memory free for a trace now";
            }

            if (mode != RecordOnly)
            {
                trace.Follow(protocol, from.Address, destination, port);
            }

            node.Trace = trace;
            if (mode == SendOne && !TraceProbe.Send(from, protocol, destination, port, mark))
            {
                return "the pod had no buffer free to send from";
            }

            return null;
        }

        public PacketTrace(int hops, int mark, long until, FlowLog flows, IClock clock)
        {
            _hops = new uint[hops * HopWords];
            _headers = new byte[hops * HeaderBytes];
            _mark = mark & 0xFFFE;
            _until = until;
            _flows = flows;
            _clock = clock;
        }

        /// <summary>The request's mark (even); its reply carries this + 1.</summary>
        public int Mark
        {
            get { return _mark; }
        }

        /// <summary>Hops recorded.</summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>Hops the record has room for.</summary>
        public int Capacity
        {
            get { return _hops.Length / HopWords; }
        }

        /// <summary>Hops the record had no room for.</summary>
        public int Lost
        {
            get { return _lost; }
        }

        /// <summary>Whether the trace still records (its time has not run out).</summary>
        public bool Armed(long now)
        {
            return now <= _until;
        }

        /// <summary>
        /// Marks the next IPv4 packet a pod sends with <paramref name="protocol"/> from
        /// <paramref name="source"/> to <paramref name="destination"/> (0: any) and, for TCP and
        /// UDP, to <paramref name="port"/> (0: any).
        /// </summary>
        public void Follow(int protocol, uint source, uint destination, int port)
        {
            _followPorts = ((long)(protocol & 0xFF) << 16) | (long)(port & 0xFFFF);
            _followAddresses = ((long)source << 32) | destination;
        }

        /// <summary>Whether the frame (Ethernet at <paramref name="offset"/>) carries the trace's mark while it is armed.</summary>
        public bool Marked(byte[] b, int offset, int length)
        {
            return ArmedIpv4(b, offset, length) && (((b[offset + 18] << 8) | b[offset + 19]) & 0xFFFE) == _mark;
        }

        // An IPv4 frame (with room for its header), seen while the trace still records.
        private bool ArmedIpv4(byte[] b, int offset, int length)
        {
            return length >= EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength && b[offset + 12] == 0x08 && b[offset + 13] == 0x00
                && _clock.Milliseconds <= _until;
        }

        /// <summary>
        /// Whether the frame (Ethernet at <paramref name="offset"/>) is the traced packet, marking it
        /// first when it comes from a pod (or the node's own sandbox: <paramref name="sent"/>) and is
        /// what the trace follows or the reply it waits for. A point calls this when the frame
        /// reaches it, then <see cref="Record"/> when it has decided.
        /// </summary>
        public bool Begin(byte[] b, int offset, int length, bool sent)
        {
            if (!ArmedIpv4(b, offset, length))
            {
                return false;
            }

            int ip = offset + EthernetFrame.HeaderLength;
            if (((((b[ip + 4] << 8) | b[ip + 5]) & 0xFFFE) != _mark) && !(sent && Stamp(b, ip, length - EthernetFrame.HeaderLength)))
            {
                return false;
            }

            _eventsFrom = _flows != null ? _flows.Written : 0;
            return true;
        }

        /// <summary>
        /// Records a hop of the frame <see cref="Begin"/> said is traced, as it leaves the point:
        /// <paramref name="step"/> with its two details, the frame's first <see cref="HeaderBytes"/>,
        /// the flow events written since Begin. A request's hop that reaches a pod or the node
        /// makes the trace wait for that end's answer.
        /// </summary>
        public void Record(int step, uint a, uint b, byte[] frame, int offset, int length)
        {
            if (_count * HopWords >= _hops.Length)
            {
                _lost++;
                return;
            }

            int ip = offset + EthernetFrame.HeaderLength;
            int reply = length >= EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength && (((frame[ip + 4] << 8) | frame[ip + 5]) & 1) != 0 ? 1 : 0;
            int at = _count * HopWords;
            uint[] hops = _hops;
            int events = 0;
            long first = _eventsFrom + 1;
            if (_flows != null)
            {
                long written = _flows.Written;
                if (written - _eventsFrom > EventsPerHop)
                {
                    first = written - EventsPerHop + 1; // the point's last ones
                }

                for (long seq = first; seq <= written && events < EventsPerHop; seq++)
                {
                    if (_flows.Read(seq, hops, at + 5 + events * FlowLog.Words))
                    {
                        events++;
                    }
                }

                _eventsFrom = written;
            }

            int kept = length < HeaderBytes ? length : HeaderBytes;
            System.Array.Copy(frame, offset, _headers, _count * HeaderBytes, kept);
            hops[at] = (uint)_clock.Milliseconds;
            hops[at + 1] = (uint)((step << 24) | (reply << 16) | (events << 8) | kept);
            hops[at + 2] = a;
            hops[at + 3] = b;
            hops[at + 4] = (uint)first;
            _count++;

            int where = (int)(a & 0xFF);
            if (reply == 0 && kept >= EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength
                && ((step == Bridged && b != 0) || (step == Routed && (where == ToNode || where == ToEgress || where == Rejected))))
            {
                // The request arrived: its answer goes from where it was sent to where it came from.
                // (A refused one's ICMP error comes from the address it called, as iptables' REJECT sends it.)
                _reply = ((long)NetworkOrder.ReadU32(frame, ip + 16) << 32) | NetworkOrder.ReadU32(frame, ip + 12);
            }
        }

        /// <summary>Hop <paramref name="hop"/>'s words into <paramref name="words"/> (5 + the events' words) and its frame's bytes into <paramref name="headers"/>; how many bytes.</summary>
        public int Read(int hop, uint[] words, byte[] headers)
        {
            System.Array.Copy(_hops, hop * HopWords, words, 0, HopWords);
            int kept = (int)(words[1] & 0xFF);
            System.Array.Copy(_headers, hop * HeaderBytes, headers, 0, kept);
            return kept;
        }

        /// <summary>Words <see cref="Read"/> fills.</summary>
        public const int Words = HopWords;

        // Marks the packet (IPv4 at ip) when it is the one followed or the awaited reply:
        // its Identification rewritten and the header checksum updated (RFC 1624).
        private bool Stamp(byte[] b, int ip, int available)
        {
            uint source = NetworkOrder.ReadU32(b, ip + 12);
            uint destination = NetworkOrder.ReadU32(b, ip + 16);
            int mark;
            if (_followPorts >= 0 && Follows(b, ip, available, source, destination))
            {
                mark = _mark;
                _followPorts = -1;
            }
            else if (_reply >= 0 && source == (uint)(_reply >> 32) && destination == (uint)_reply)
            {
                mark = _mark + 1;
                _reply = -1;
            }
            else
            {
                return false;
            }

            ushort old = (ushort)((b[ip + 4] << 8) | b[ip + 5]);
            ushort sum = (ushort)((b[ip + 10] << 8) | b[ip + 11]);
            NetworkOrder.WriteU16(b, ip + 4, (ushort)mark);
            NetworkOrder.WriteU16(b, ip + 10, Checksum.Update16(sum, old, (ushort)mark));
            return true;
        }

        private bool Follows(byte[] b, int ip, int available, uint source, uint destination)
        {
            int protocol = (int)(_followPorts >> 16);
            int port = (int)(_followPorts & 0xFFFF);
            uint wantSource = (uint)(_followAddresses >> 32);
            uint wantDestination = (uint)_followAddresses;
            if (b[ip + 9] != protocol || (wantSource != 0 && wantSource != source) || (wantDestination != 0 && wantDestination != destination))
            {
                return false;
            }

            if (port == 0 || (protocol != IpProtocol.Tcp && protocol != IpProtocol.Udp))
            {
                return true;
            }

            int l4 = ip + (b[ip] & 0x0F) * 4;
            return l4 + 4 <= ip + available && ((b[l4 + 2] << 8) | b[l4 + 3]) == port;
        }
    }
}
