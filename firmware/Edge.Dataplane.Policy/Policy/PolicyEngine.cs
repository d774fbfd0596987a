using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Policy
{
    /// <summary>
    /// The node's NetworkPolicy enforcement, on the forward hook of the gateway (routed packets,
    /// after kube-proxy's DNAT: policy sees the endpoint, not the service) and of the bridge
    /// (pod to pod on this node). A connection's first packet is decided by the rules: the
    /// source's egress if the source is an isolated pod here, and the destination's ingress if
    /// the destination is one (each board decides for its own pods, so a connection between two
    /// boards is checked at both ends, as a CNI does). Allowed connections are remembered
    /// (<see cref="PolicyConnections"/>) and their later packets and replies pass at the cost of
    /// one lookup, however many policies there are. Traffic from the pod's own node is always
    /// allowed (the Kubernetes rule), and with no policy on the node nothing is looked at.
    /// The tables are made with the first policy: a board that never gets one does not pay for them.
    /// </summary>
    public sealed class PolicyEngine : IForwardHook
    {
        private readonly int _connectionCapacity;
        private readonly int _pods;
        private PolicyDecision _decision;
        private uint[] _isolated;
        private byte[] _isolatedTypes;
        private int _isolatedCount;
        private readonly uint _gatewayAddress;
        private readonly uint _vtepAddress;

        // The packet being decided.
        private byte _protocol;
        private uint _source;
        private uint _destination;
        private uint _ports;
        private byte _tcpFlags;
        private bool _trackable;

        // Bumped by every Load: a remembered connection of an older version is checked again.
        private int _version;

        /// <summary>The policies the node enforces now; null for none.</summary>
        public PolicySet Set;

        /// <summary>The connections remembered as allowed; null until the first policy.</summary>
        public PolicyConnections Connections;

        /// <summary>Connections allowed (first packets), and packets dropped, since the node started.</summary>
        public uint Allowed;
        public uint Denied;

        /// <summary>Where verdicts on new connections are recorded (null: not recorded).</summary>
        public FlowLog Flows;

        // Which side's isolation gave the last decision: its ingress (else its egress).
        private bool _decidedIngress;

        /// <param name="pods">The most pods the node holds: the most any policy can isolate here.</param>
        public PolicyEngine(int connections, int pods, uint gatewayAddress, uint vtepAddress)
        {
            _connectionCapacity = connections;
            _pods = pods;
            _gatewayAddress = gatewayAddress;
            _vtepAddress = vtepAddress;
        }

        /// <summary>
        /// Enforces <paramref name="set"/> from now on. Remembered connections stay, and are
        /// checked against the new policies at their next packet: a connection the new policies
        /// refuse is cut, the others go on. Null: no policy.
        /// </summary>
        public void Load(PolicySet set)
        {
            Set = set;
            _version++;
            _isolatedCount = 0;
            if (set != null && Connections == null)
            {
                Connections = new PolicyConnections(_connectionCapacity);
                _isolated = new uint[_pods];
                _isolatedTypes = new byte[_pods];
                _decision = new PolicyDecision();
            }

            for (int p = 0; set != null && p < set.PolicyCount; p++)
            {
                int first = set.FirstSubjectOf(p);
                int end = first + set.SubjectCountOf(p);
                for (int s = first; s < end; s++)
                {
                    Isolate(set.Addresses[s], set.Types[p]);
                }
            }
        }

        // The local pods some policy isolates, with the directions: looked up for every packet.
        private void Isolate(uint address, byte types)
        {
            for (int i = 0; i < _isolatedCount; i++)
            {
                if (_isolated[i] == address)
                {
                    _isolatedTypes[i] |= types;
                    return;
                }
            }

            if (_isolatedCount < _isolated.Length)
            {
                _isolated[_isolatedCount] = address;
                _isolatedTypes[_isolatedCount] = types;
                _isolatedCount++;
            }
        }

        /// <summary>The directions policy isolates the local pod at <paramref name="address"/> in (<see cref="PolicyTypes"/>); 0 for none.</summary>
        public byte IsolationOf(uint address)
        {
            for (int i = 0; i < _isolatedCount; i++)
            {
                if (_isolated[i] == address)
                {
                    return _isolatedTypes[i];
                }
            }

            return 0;
        }

        public HookVerdict Forward(byte[] b, int ip, int ipLength, uint sentSource, uint sentDestination, uint sentPorts, long now)
        {
            if (_isolatedCount == 0)
            {
                return HookVerdict.Accept; // no policy selects a pod here
            }

            if (!Classify(b, ip, ipLength))
            {
                return HookVerdict.Drop; // too short to say what it is: nothing an isolated pod must take
            }

            byte sourceTypes = IsolationOf(_source);
            byte destinationTypes = IsolationOf(_destination);
            if (sourceTypes == 0 && destinationTypes == 0)
            {
                return HookVerdict.Accept;
            }

            PolicySet set = Set;
            PolicyConnections connections = Connections;
            bool tracked = _trackable;
            if (tracked)
            {
                bool reply;
                int entry = connections.Find(_protocol, _source, _destination, _ports, now, out reply);
                if (entry < 0 && sentSource != 0)
                {
                    // A reply kube-proxy un-DNATed before us: the connection was remembered as it was sent to the endpoint.
                    entry = connections.Find(_protocol, sentSource, sentDestination, sentPorts, now, out reply);
                }

                if (entry >= 0 && !connections.IsCurrent(entry, _version) && !StillAllowed(set, entry))
                {
                    connections.Remove(entry);
                    entry = -1;
                }

                if (entry >= 0)
                {
                    connections.Seen(entry, _tcpFlags, now);
                    return HookVerdict.Accept;
                }
            }

            // A new connection, or a packet of one not remembered (older than the pod's isolation,
            // given way in a full table, or cut by a policy change): decided by the rules as this
            // packet goes.
            if (!Decide(set, _source, sourceTypes, _destination, destinationTypes, _protocol, (ushort)_ports, true))
            {
                Record(FlowLog.PolicyDenied);
                Denied++;
                return HookVerdict.Drop; // the caller drops it, counted as policy-denied
            }

            // TCP is remembered from its opening SYN only (Linux's nf_conntrack_tcp_loose=0): a
            // segment in mid-stream passes on its own merit and is not taken for a new connection,
            // or a peer's ACK would reopen, as its reply direction, a connection a policy just cut.
            Allowed++;
            Record(FlowLog.PolicyAllowed);
            if (tracked && (_protocol != IpProtocol.Tcp || (_tcpFlags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn))
            {
                connections.Add(_protocol, _source, _destination, _ports, _version, now);
            }

            return HookVerdict.Accept;
        }

        // A remembered connection under changed policies: allowed still, as its first packet went?
        private bool StillAllowed(PolicySet set, int entry)
        {
            PolicyConnections c = Connections;
            uint source = c.SourceOf(entry);
            uint destination = c.DestinationOf(entry);
            if (!Decide(set, source, IsolationOf(source), destination, IsolationOf(destination), c.ProtocolOf(entry), (ushort)c.PortsOf(entry), false))
            {
                return false;
            }

            c.Renew(entry, _version);
            return true;
        }

        // The source's egress and the destination's ingress, each only where a policy isolates a
        // pod of this node; counted against the deciding rule or policy when asked to.
        private bool Decide(PolicySet set, uint source, byte sourceTypes, uint destination, byte destinationTypes, byte protocol, ushort port, bool count)
        {
            PolicyDecision d = _decision;
            d.Reset(); // a connection no policy had to judge (the kubelet's probes) is allowed by none
            _decidedIngress = false;
            if ((sourceTypes & PolicyTypes.Egress) != 0)
            {
                bool allowed = PolicyEvaluator.Allows(set, true, source, destination, protocol, port, d);
                Account(set, d, allowed, count);
                if (!allowed)
                {
                    return false;
                }
            }

            if ((destinationTypes & PolicyTypes.Ingress) != 0 && source != _gatewayAddress && source != _vtepAddress)
            {
                bool allowed = PolicyEvaluator.Allows(set, false, destination, source, protocol, port, d);
                Account(set, d, allowed, count);
                _decidedIngress = true;
                return allowed;
            }

            return true;
        }

        // A verdict on a new connection as a flow event: the policy (and rule) that decided, and on which side.
        private void Record(int kind)
        {
            if (Flows != null)
            {
                Flows.Write(kind, _protocol, _decision.Policy, _source, _destination, _ports, 0,
                    (uint)((_decidedIngress ? 0x8000 : 0) | (_decision.Rule & 0x7FFF)));
            }
        }

        private static void Account(PolicySet set, PolicyDecision d, bool allowed, bool count)
        {
            if (!count)
            {
                return;
            }

            if (allowed && d.Rule >= 0)
            {
                set.RuleHits[d.Rule]++;
            }
            else if (!allowed && d.Policy >= 0)
            {
                set.PolicyDrops[d.Policy]++;
            }
        }

        // The tuple at RFC 791/793/768/792's offsets, checked against the bytes there are; ports
        // packed with the source's in the high half (ICMP echo: its identifier on both sides).
        private bool Classify(byte[] b, int ip, int ipLength)
        {
            if (ipLength < Ipv4Packet.MinimumHeaderLength)
            {
                return false;
            }

            int headerLength = (b[ip] & 0x0F) * 4;
            if (headerLength < Ipv4Packet.MinimumHeaderLength || headerLength > ipLength)
            {
                return false;
            }

            byte protocol = b[ip + 9];
            _protocol = protocol;
            _source = (uint)((b[ip + 12] << 24) | (b[ip + 13] << 16) | (b[ip + 14] << 8) | b[ip + 15]);
            _destination = (uint)((b[ip + 16] << 24) | (b[ip + 17] << 16) | (b[ip + 18] << 8) | b[ip + 19]);
            _ports = 0;
            _tcpFlags = 0;
            _trackable = false;
            if ((((b[ip + 6] << 8) | b[ip + 7]) & 0x1FFF) != 0)
            {
                return true; // a later fragment carries no ports: decided on protocol and addresses alone
            }

            int l4 = ip + headerLength;
            int l4Length = ipLength - headerLength;
            if (protocol == IpProtocol.Tcp || protocol == IpProtocol.Udp)
            {
                if (l4Length < (protocol == IpProtocol.Tcp ? TcpPacket.MinimumHeaderLength : UdpPacket.HeaderLength))
                {
                    return false;
                }

                _ports = (uint)((b[l4] << 24) | (b[l4 + 1] << 16) | (b[l4 + 2] << 8) | b[l4 + 3]);
                _trackable = true;
                if (protocol == IpProtocol.Tcp)
                {
                    _tcpFlags = b[l4 + 13];
                }
            }
            else if (protocol == IpProtocol.Icmp && l4Length >= IcmpPacket.HeaderLength
                && (b[l4] == IcmpType.EchoRequest || b[l4] == IcmpType.EchoReply))
            {
                uint id = (uint)((b[l4 + 4] << 8) | b[l4 + 5]);
                _ports = (id << 16) | id;
                _trackable = true;
            }

            return true;
        }
    }
}
