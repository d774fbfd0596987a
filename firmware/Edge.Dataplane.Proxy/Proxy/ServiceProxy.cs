using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// The node's kube-proxy: packets to a service's virtual IP are DNATed to an endpoint chosen
    /// per the node's mode (random as iptables does, or round robin as IPVS does), honouring
    /// session affinity, endpoint conditions and the internal traffic policy; connections are
    /// tracked so later packets follow the first and replies are translated back. Sources
    /// outside the cluster CIDR, and a pod reaching itself through its own service (hairpin),
    /// are masqueraded to the node's gateway address, so replies come back through this node.
    /// All rewrites patch checksums incrementally (RFC 1624).
    /// </summary>
    public sealed class ServiceProxy : IPreroutingHook, IBridgeFilter
    {
        private const ushort FirstSnatPort = 32768;

        private readonly IRandomSource _random;
        private readonly uint _gatewayAddress;
        private readonly uint _clusterNetwork;
        private readonly int _clusterPrefix;

        public readonly ServiceTable Services;
        public readonly Conntrack Conntrack;
        public readonly AffinityTable Affinity;
        public int Mode;

        /// <summary>Where new connections and their first replies are recorded (null: not recorded).</summary>
        public FlowLog Flows;

        // The packet being processed (set by Classify).
        private byte _protocol;
        private uint _source;
        private uint _destination;
        private ushort _sourcePort;
        private ushort _destinationPort;
        private byte _tcpFlags;

        // How Choose picked the last endpoint: its position among the eligible << 8 | how many
        // were eligible (position 255: session affinity kept the client's endpoint).
        private int _picked;

        /// <summary>How the last <see cref="Choose"/> picked (position &lt;&lt; 8 | eligible), for the NodePort relay's flow event.</summary>
        internal int Picked
        {
            get { return _picked; }
        }
        private int _l4;

        public ServiceProxy(int services, int conntrackEntries, int affinityEntries, uint gatewayAddress, uint clusterNetwork, int clusterPrefix, int mode, IRandomSource random)
            : this(services, conntrackEntries, affinityEntries, gatewayAddress, clusterNetwork, clusterPrefix, mode, random, true)
        {
        }

        public ServiceProxy(int services, int conntrackEntries, int affinityEntries, uint gatewayAddress, uint clusterNetwork, int clusterPrefix, int mode, IRandomSource random, bool conntrackAccounting)
        {
            Services = new ServiceTable(services);
            Conntrack = new Conntrack(conntrackEntries, conntrackAccounting, gatewayAddress, Services.Capacity);
            Affinity = new AffinityTable(affinityEntries);
            _gatewayAddress = gatewayAddress;
            _clusterNetwork = clusterNetwork;
            _clusterPrefix = clusterPrefix;
            Mode = mode;
            _random = random;
        }

        /// <summary>
        /// Looks at an IPv4 packet entering the node's routing (from a pod or the overlay) and
        /// translates it if it belongs to a service connection. b[ip..] is the IPv4 header of a
        /// parsed, checksum-verified packet of <paramref name="ipLength"/> bytes.
        /// </summary>
        public HookVerdict Prerouting(byte[] b, int ip, int ipLength, long now)
        {
            if (!Classify(b, ip, ipLength))
            {
                return HookVerdict.Accept;
            }

            bool reply;
            int entry = Conntrack.Find(_protocol, _source, _sourcePort, _destination, _destinationPort, now, out reply);
            if (entry >= 0)
            {
                Translate(b, ip, entry, reply, ipLength, now);
                return HookVerdict.Translated;
            }

            Service service = Services.Lookup(_destination, _destinationPort, _protocol);
            if (service == null)
            {
                return HookVerdict.Accept;
            }

            if (_protocol == IpProtocol.Tcp && (_tcpFlags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) != TcpFlags.Syn)
            {
                return HookVerdict.Drop; // a stray segment for a connection we do not know: INVALID, as Linux drops it
            }

            int endpoint = Choose(service, _source, false, now);
            if (endpoint < 0)
            {
                Services.CountRejected(service);
                return endpoint == -2 ? HookVerdict.Drop : HookVerdict.Reject;
            }

            uint endpointAddress = service.EndpointAddresses[endpoint];
            ushort endpointPort = service.EndpointPorts[endpoint];
            uint replyDestination = _source;
            ushort replyDestinationPort = _sourcePort;
            if (NeedsMasquerade(endpointAddress))
            {
                replyDestination = _gatewayAddress;
                replyDestinationPort = SnatPort(endpointAddress, endpointPort, now);
            }

            entry = Conntrack.Create(_protocol, _source, _sourcePort, _destination, _destinationPort,
                endpointAddress, endpointPort, replyDestination, replyDestinationPort, service.Slot, now);
            if (entry < 0)
            {
                return HookVerdict.Drop;
            }

            Services.CountConnection(service);
            if (Flows != null)
            {
                // The pick as iptables' statistic match or ipvs' scheduler made it: which of how many eligible.
                Flows.Write(FlowLog.ServicePick, _protocol, service.Slot | (replyDestination != _source ? FlowLog.Masqueraded : 0), _source, _destination,
                    (uint)((_sourcePort << 16) | _destinationPort), endpointAddress, (uint)((endpointPort << 16) | (_picked & 0xFFFF)));
            }

            if (service.ClientIpAffinity)
            {
                Affinity.Set(_source, service.Slot, endpointAddress, endpointPort, now);
            }

            Translate(b, ip, entry, false, ipLength, now);
            return HookVerdict.Translated;
        }

        /// <summary>Frames the bridge switches between two pods on this node: replies from an endpoint are translated back (<see cref="BridgeReply"/>).</summary>
        public void OnBridged(PacketBuffer frame, long now)
        {
            if (frame.Length < EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength
                || NetworkOrder.ReadU16(frame.Data, frame.Offset + 12) != EtherType.Ipv4)
            {
                return;
            }

            int ipAt = frame.Offset + EthernetFrame.HeaderLength;
            Ipv4Packet view;
            if (Ipv4Packet.TryWrap(frame.Data, ipAt, frame.Length - EthernetFrame.HeaderLength, out view) == WireError.None)
            {
                BridgeReply(frame.Data, ipAt, view.TotalLength, now);
            }
        }

        /// <summary>
        /// For frames the bridge passes between two pods (br_netfilter's job): a reply from an
        /// endpoint to a client on the same node must be translated back, or the client would
        /// see an answer from an address it never called. Only reply tuples are looked up.
        /// </summary>
        public bool BridgeReply(byte[] b, int ip, int ipLength, long now)
        {
            if (Conntrack.Count == 0 || !Classify(b, ip, ipLength))
            {
                return false;
            }

            bool reply;
            int entry = Conntrack.Find(_protocol, _source, _sourcePort, _destination, _destinationPort, now, out reply);
            if (entry < 0 || !reply)
            {
                return false;
            }

            Translate(b, ip, entry, true, ipLength, now);
            return true;
        }

        /// <summary>Applies a service update: stale connections to endpoints that are gone are removed (UDP re-homes at once).</summary>
        public bool SetService(Service service)
        {
            Service old = Services.Set(service);
            if (old == null)
            {
                return false;
            }

            if (old != service)
            {
                for (int i = 0; i < old.EndpointCount; i++)
                {
                    if (service.IndexOfEndpoint(old.EndpointAddresses[i], old.EndpointPorts[i]) < 0)
                    {
                        Conntrack.RemoveEndpoint(service.Slot, old.EndpointAddresses[i], old.EndpointPorts[i], old.Protocol);
                    }
                }

                Affinity.ForgetService(service.Slot);
            }

            return true;
        }

        public bool RemoveService(string ns, string name, string portName)
        {
            Service old = Services.Remove(ns, name, portName);
            if (old == null)
            {
                return false;
            }

            Conntrack.RemoveService(old.Slot);
            Affinity.ForgetService(old.Slot);
            return true;
        }

        /// <summary>
        /// Runs timers: frees idle connections a slice at a time (a packet never rides an expired
        /// entry: lookups check; this gives the room back).
        /// </summary>
        public void Poll(long now)
        {
            if (Conntrack.Count > 0)
            {
                Conntrack.Expire(now, ExpirySlice);
            }
        }

        /// <summary>Conntrack entries looked at per <see cref="Poll"/> (the node's tick): a WROOM board's 256 are swept every 8 ticks.</summary>
        public const int ExpirySlice = 32;

        // Reads the 5-tuple (and TCP flags) in one body, at RFC 791/768/9293's offsets: this runs
        // for every routed packet, and on nanoCLR a call costs what a dozen operations do.
        private bool Classify(byte[] b, int ip, int ipLength)
        {
            int headerLength = (b[ip] & 0x0F) * 4;
            byte protocol = b[ip + 9];
            int l4 = ip + headerLength;
            int l4Length = ipLength - headerLength;
            _protocol = protocol;
            _source = (uint)((b[ip + 12] << 24) | (b[ip + 13] << 16) | (b[ip + 14] << 8) | b[ip + 15]);
            _destination = (uint)((b[ip + 16] << 24) | (b[ip + 17] << 16) | (b[ip + 18] << 8) | b[ip + 19]);
            _l4 = l4;
            _tcpFlags = 0;
            if ((((b[ip + 6] << 8) | b[ip + 7]) & 0x3FFF) != 0)
            {
                return false; // fragments carry no ports
            }

            if ((protocol == IpProtocol.Tcp && l4Length >= TcpPacket.MinimumHeaderLength)
                || (protocol == IpProtocol.Udp && l4Length >= UdpPacket.HeaderLength))
            {
                _sourcePort = (ushort)((b[l4] << 8) | b[l4 + 1]);
                _destinationPort = (ushort)((b[l4 + 2] << 8) | b[l4 + 3]);
                if (protocol == IpProtocol.Tcp)
                {
                    _tcpFlags = b[l4 + 13];
                }

                return true;
            }

            if (protocol == IpProtocol.Icmp && l4Length >= IcmpPacket.HeaderLength
                && (b[l4] == IcmpType.EchoRequest || b[l4] == IcmpType.EchoReply))
            {
                // Echo is tracked by its identifier in both port positions.
                _sourcePort = (ushort)((b[l4 + 4] << 8) | b[l4 + 5]);
                _destinationPort = _sourcePort;
                return true;
            }

            return false;
        }

        /// <summary>
        /// Picks an endpoint for a new connection from <paramref name="client"/>: the endpoint
        /// index, -1 when none can take it (reject), -2 when a Local traffic policy leaves none
        /// on this node (drop). <paramref name="external"/> applies externalTrafficPolicy
        /// (NodePort and LoadBalancer clients), else internalTrafficPolicy.
        /// </summary>
        public int Choose(Service service, uint client, bool external, long now)
        {
            int n = service.EndpointCount;
            if (n == 0)
            {
                return -1;
            }

            bool localOnly = external ? service.ExternalTrafficLocal : service.InternalTrafficLocal && InCluster(client);
            byte required = EndpointFlags.Ready;
            int eligible = Count(service, required, localOnly);
            if (eligible == 0)
            {
                // KEP-1669: with no ready endpoint, serving-but-terminating ones still take traffic.
                required = EndpointFlags.Serving | EndpointFlags.Terminating;
                eligible = Count(service, required, localOnly);
            }

            if (eligible == 0)
            {
                return localOnly ? -2 : -1;
            }

            if (service.ClientIpAffinity)
            {
                uint address;
                ushort port;
                if (Affinity.TryGet(client, service.Slot, (long)service.AffinityTimeoutSeconds * 1000, now, out address, out port))
                {
                    int sticky = service.IndexOfEndpoint(address, port);
                    if (sticky >= 0 && Eligible(service, sticky, required, localOnly))
                    {
                        _picked = (0xFF << 8) | (eligible & 0xFF);
                        return sticky;
                    }
                }
            }

            int pick;
            if (Mode == ProxyMode.RoundRobin)
            {
                pick = service.RoundRobinNext % eligible;
                service.RoundRobinNext = (service.RoundRobinNext + 1) % eligible;
            }
            else
            {
                pick = (int)(_random.NextUInt32() % (uint)eligible);
            }

            _picked = ((pick & 0xFF) << 8) | (eligible & 0xFF);

            for (int i = 0; i < n; i++)
            {
                if (Eligible(service, i, required, localOnly) && pick-- == 0)
                {
                    return i;
                }
            }

            return -1;
        }

        private static int Count(Service service, byte required, bool localOnly)
        {
            int count = 0;
            for (int i = 0; i < service.EndpointCount; i++)
            {
                if (Eligible(service, i, required, localOnly))
                {
                    count++;
                }
            }

            return count;
        }

        private static bool Eligible(Service service, int i, byte required, bool localOnly)
        {
            byte flags = service.EndpointFlagBits[i];
            return (flags & required) == required && (!localOnly || (flags & EndpointFlags.Local) != 0);
        }

        private bool InCluster(uint address)
        {
            return Ipv4Address.InPrefix(address, _clusterNetwork, _clusterPrefix);
        }

        // kube-proxy's KUBE-MARK-MASQ: traffic from outside the cluster CIDR, and a pod calling
        // itself through a service (its reply would otherwise go straight back to itself).
        private bool NeedsMasquerade(uint endpointAddress)
        {
            return !InCluster(_source) || endpointAddress == _source;
        }

        private ushort SnatPort(uint endpointAddress, ushort endpointPort, long now)
        {
            ushort port = _sourcePort;
            for (int attempt = 0; attempt < 64; attempt++)
            {
                if (!Conntrack.ReplyTupleTaken(_protocol, endpointAddress, endpointPort, _gatewayAddress, port, now))
                {
                    return port;
                }

                port = (ushort)(FirstSnatPort + _random.NextUInt32() % 28232);
            }

            return port;
        }

        // Rewrites the packet to the other side of the entry's NAT, and accounts it.
        private void Translate(byte[] b, int ip, int entry, bool reply, int ipLength, long now)
        {
            // What the packet carries is the matched tuple, so the old values come from the entry,
            // not from reading the packet again.
            Conntrack c = Conntrack;
            uint replyDestination = c.ReplyDestinationOf(entry);
            ushort replyDestinationPort = c.ReplyDestinationPort[entry];
            uint client = c.OriginalSource[entry];
            ushort clientPort = c.OriginalSourcePort[entry];
            bool snat = replyDestination != client || replyDestinationPort != clientPort;
            if (reply && Flows != null && !c.HasReplied(entry))
            {
                // The connection's first answer, from the endpoint, goes back as from the Service.
                Flows.Write(FlowLog.ReplyTranslated, _protocol, c.ServiceSlot[entry], _source, _destination, (uint)((_sourcePort << 16) | _destinationPort),
                    c.OriginalDestinationOf(entry), (uint)(c.OriginalDestinationPortOf(entry) << 16) | (snat ? 1u : 0u));
            }

            if (!reply)
            {
                // Original direction: destination becomes the endpoint; source may be masqueraded.
                Rewrite(b, ip, false, c.OriginalDestinationOf(entry), c.ReplySource[entry], c.OriginalDestinationPortOf(entry), c.ReplySourcePort[entry]);
                if (snat)
                {
                    Rewrite(b, ip, true, client, replyDestination, clientPort, replyDestinationPort);
                }
            }
            else
            {
                // Reply direction: source becomes the service; destination back to the real client.
                Rewrite(b, ip, true, c.ReplySource[entry], c.OriginalDestinationOf(entry), c.ReplySourcePort[entry], c.OriginalDestinationPortOf(entry));
                if (snat)
                {
                    Rewrite(b, ip, false, replyDestination, client, replyDestinationPort, clientPort);
                }
            }

            c.Observe(entry, reply, _tcpFlags, ipLength, now);
        }

        /// <summary>
        /// Sets the source (or destination) address and port of the packet, patching the IPv4
        /// header checksum and the TCP/UDP checksum (whose pseudo-header covers the addresses).
        /// ICMP echo keeps its identifier; its checksum does not cover addresses.
        /// </summary>
        // Rewrites one end of the packet (source or destination address and port) from the old
        // values to the new and patches the IPv4 and transport checksums incrementally (RFC 1624):
        // the address is in the IPv4 header and in the transport checksum's pseudo-header, the
        // port in the transport header (ICMP echo has no port to rewrite and no pseudo-header).
        private void Rewrite(byte[] b, int ip, bool source, uint oldAddress, uint address, ushort oldPort, ushort port)
        {
            int at = ip + (source ? 12 : 16);
            b[at] = (byte)(address >> 24);
            b[at + 1] = (byte)(address >> 16);
            b[at + 2] = (byte)(address >> 8);
            b[at + 3] = (byte)address;
            ushort ipSum = Checksum.Update32((ushort)((b[ip + 10] << 8) | b[ip + 11]), oldAddress, address);
            b[ip + 10] = (byte)(ipSum >> 8);
            b[ip + 11] = (byte)ipSum;

            byte protocol = _protocol;
            if (protocol == IpProtocol.Icmp)
            {
                return;
            }

            int portAt = _l4 + (source ? 0 : 2);
            b[portAt] = (byte)(port >> 8);
            b[portAt + 1] = (byte)port;
            int checksumAt = _l4 + (protocol == IpProtocol.Tcp ? 16 : 6);
            ushort sum = (ushort)((b[checksumAt] << 8) | b[checksumAt + 1]);
            if (protocol == IpProtocol.Udp && sum == 0)
            {
                return; // no checksum was sent; none to keep
            }

            sum = Checksum.Update48(sum, oldAddress, address, oldPort, port);
            if (protocol == IpProtocol.Udp && sum == 0)
            {
                sum = 0xFFFF;
            }

            b[checksumAt] = (byte)(sum >> 8);
            b[checksumAt + 1] = (byte)sum;
        }
    }
}
