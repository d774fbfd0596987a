using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// The node as a router: its address on the bridge (x.x.x.1, every pod's default gateway)
    /// and its VTEP on the overlay (x.x.x.0). Packets from pods to other nodes' pod CIDRs are
    /// routed into VXLAN to that node's VTEP; packets arriving over VXLAN are routed onto the
    /// bridge to the local pod. No NAT: pod addresses cross nodes unchanged (the Kubernetes
    /// network model). TTL is decremented per hop with an incremental checksum update.
    /// </summary>
    public sealed class Gateway : IBridgePort, IUnresolvedHandler, IIpOutput
    {
        private readonly NodeContext _node;
        private readonly Overlay _overlay;
        private readonly RouteTable _routes;
        private readonly IPreroutingHook _prerouting;
        private readonly EthernetRepr _ethernet = new EthernetRepr();
        private readonly Ipv4Repr _ip = new Ipv4Repr();
        private readonly ArpRepr _arp = new ArpRepr();
        private readonly IcmpError _icmpError;

        public readonly IpInterface Interface;

        public long Routed;

        /// <summary>What every routed packet between pods, or between a pod and another node, passes last (the policy engine); null for none.</summary>
        public IForwardHook ForwardHook;

        /// <summary>
        /// The node's own sandbox (its host network): packets for the gateway and VTEP addresses,
        /// and for the cluster DNS address (node-local DNS), go to its sockets. Pods reach outside
        /// addresses only when a relay listens transparently in it (<see cref="NodeConfig.AllowEgress"/>).
        /// </summary>
        public readonly PodSandbox Host;

        /// <param name="prerouting">What every routed packet passes first (the node's service proxy); null for none.</param>
        public Gateway(NodeContext node, Bridge bridge, Overlay overlay, RouteTable routes, IPreroutingHook prerouting)
        {
            _node = node;
            _icmpError = new IcmpError(node);
            _overlay = overlay;
            _routes = routes;
            _prerouting = prerouting;
            NodeConfig config = node.Config;
            Interface = new IpInterface(bridge, Bridge.GatewayPort, node, config.GatewayArpEntries);
            Interface.Address = config.GatewayAddress;
            Interface.PrefixLength = config.PodPrefixLength;
            Interface.Mac = NodeConfig.PodMacFor(config.GatewayAddress);
            Interface.Unresolved = this;
            Host = new PodSandbox(node, this, config.Name, config.GatewayAddress, config.VtepAddress, Interface.Mac);
            Host.AddServiceAddress(config.DnsAddress);
        }

        /// <summary>A routed packet's next hop never answered ARP: tell its sender the host is unreachable.</summary>
        public void OnUnresolved(PacketBuffer frame, long now)
        {
            SendError(frame, IcmpType.DestinationUnreachable, IcmpType.HostUnreachable, now);
        }

        /// <summary>Frames from the bridge: ARP for the gateway address, or IPv4 to route.</summary>
        public void Deliver(PacketBuffer frame, long now)
        {
            // Read in place, as a pod's eth0 does (PodSandbox.Deliver): the EtherType, and for
            // IPv4 that the frame is addressed to the gateway's MAC (a router routes only those).
            byte[] b = frame.Data;
            int o = frame.Offset;
            int length = frame.Length;
            if (length < EthernetFrame.HeaderLength)
            {
                Drop(frame, DropReason.Truncated);
                return;
            }

            int etherType = (b[o + 12] << 8) | b[o + 13];
            if (etherType == EtherType.Arp)
            {
                Interface.InputArp(frame, o + EthernetFrame.HeaderLength, length - EthernetFrame.HeaderLength, now);
                return;
            }

            if (etherType != EtherType.Ipv4)
            {
                Drop(frame, DropReason.Unsupported);
                return;
            }

            ulong destination = ((ulong)(uint)((b[o] << 8) | b[o + 1]) << 32) | (uint)((b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]);
            if (destination != Interface.Mac)
            {
                Drop(frame, DropReason.NotForUs);
                return;
            }

            RouteIp(frame, false, now);
        }

        /// <summary>Frames out of VXLAN: ARP for our VTEP address (a Linux peer asks), or IPv4 for our pods.</summary>
        public void FromOverlay(PacketBuffer frame, int route, long now)
        {
            WireError error = _ethernet.Parse(frame.Data, frame.Offset, frame.Length);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            if (_ethernet.EtherType == EtherType.Arp)
            {
                AnswerVtepArp(frame, route, now);
                return;
            }

            if (_ethernet.EtherType != EtherType.Ipv4 || _ethernet.Destination != _overlay.VtepMac)
            {
                Drop(frame, _ethernet.EtherType != EtherType.Ipv4 ? DropReason.Unsupported : DropReason.NotForUs);
                return;
            }

            PacketTrace trace = _node.Trace;
            if (trace != null && trace.Begin(frame.Data, frame.Offset, frame.Length, false))
            {
                trace.Record(PacketTrace.Decapsulated, _routes.PeerAddress(route), _overlay.Vni, frame.Data, frame.Offset, frame.Length);
            }

            RouteIp(frame, true, now);
        }

        public void Poll(long now)
        {
            Interface.Poll(now);
        }

        private void RouteIp(PacketBuffer frame, bool fromOverlay, long now)
        {
            // The header's fields, the frame's and the interface's are read into locals once:
            // nanoCLR pays for every field access (see firmware/README.md).
            Ipv4Repr ip = _ip;
            byte[] b = frame.Data;
            int ipAt = frame.Offset + EthernetFrame.HeaderLength;
            WireError error = ip.Parse(b, ipAt, frame.Length - EthernetFrame.HeaderLength, frame.ChecksumsValid);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            int ipLength = ip.HeaderLength + ip.PayloadLength;
            frame.Length = EthernetFrame.HeaderLength + ipLength; // no Ethernet padding onward
            NodeConfig config = _node.Config;
            IForwardHook forward = ForwardHook;
            PacketTrace trace = _node.Trace;
            bool traced = trace != null && trace.Begin(b, frame.Offset, frame.Length, false);
            if (ip.Destination == config.DnsAddress)
            {
                // Node-local DNS: the cluster DNS address is answered on every node. It stands for
                // the DNS service, so policy sees it as traffic to a pod (egress isolation blocks DNS).
                if (forward != null && forward.Forward(b, ipAt, ipLength, 0, 0, 0, now) == HookVerdict.Drop)
                {
                    Drop(frame, DropReason.PolicyDenied);
                    return;
                }

                if (traced)
                {
                    trace.Record(PacketTrace.Routed, PacketTrace.ToNode, 0, b, frame.Offset, frame.Length);
                }

                Local(frame, now);
                return;
            }

            // What the packet carried before prerouting may rewrite it: the forward hook matches replies by it.
            uint sentSource = ip.Source;
            uint sentDestination = ip.Destination;
            uint sentPorts = forward != null && (ip.Protocol == IpProtocol.Tcp || ip.Protocol == IpProtocol.Udp) && ip.PayloadLength >= 4
                ? NetworkOrder.ReadU32(b, ipAt + ip.HeaderLength) : 0;
            HookVerdict verdict = _prerouting != null ? _prerouting.Prerouting(b, ipAt, ipLength, now) : HookVerdict.Accept;
            if (verdict == HookVerdict.Reject)
            {
                if (traced)
                {
                    trace.Record(PacketTrace.Routed, PacketTrace.Rejected | ((uint)verdict << 8), 0, b, frame.Offset, frame.Length);
                }

                // As iptables' REJECT: the error comes from the address the packet was sent to (the service's).
                SendError(frame, IcmpType.DestinationUnreachable, IcmpType.PortUnreachable, ip.Destination, now);
                Drop(frame, DropReason.NoEndpoint);
                return;
            }

            if (verdict == HookVerdict.Drop)
            {
                Drop(frame, DropReason.NoEndpoint);
                return;
            }

            bool translated = verdict == HookVerdict.Translated;
            uint destination = translated ? NetworkOrder.ReadU32(b, ipAt + 16) : ip.Destination;
            IpInterface bridgeSide = Interface;
            uint address = bridgeSide.Address;
            if (destination == address || destination == config.VtepAddress)
            {
                if (traced)
                {
                    trace.Record(PacketTrace.Routed, PacketTrace.ToNode | ((uint)verdict << 8), 0, b, frame.Offset, frame.Length);
                }

                Local(frame, now);
                return;
            }

            if (ip.MoreFragments || ip.FragmentOffset != 0)
            {
                Drop(frame, DropReason.Fragment);
                return;
            }

            if (ip.Ttl <= 1)
            {
                SendError(frame, IcmpType.TimeExceeded, 0, now);
                Drop(frame, DropReason.TtlExpired);
                return;
            }

            if (forward != null
                && forward.Forward(b, ipAt, ipLength, translated ? sentSource : 0, translated ? sentDestination : 0, translated ? sentPorts : 0, now) == HookVerdict.Drop)
            {
                Drop(frame, DropReason.PolicyDenied);
                return;
            }

            int prefix = bridgeSide.PrefixLength;
            uint mask = prefix <= 0 ? 0 : prefix >= 32 ? 0xFFFFFFFF : ~(0xFFFFFFFF >> prefix);
            if (((destination ^ address) & mask) == 0) // on the bridge's subnet
            {
                Ipv4Packet.DecrementTtl(b, ipAt);
                Routed++;
                if (traced)
                {
                    trace.Record(PacketTrace.Routed, PacketTrace.ToPod | ((uint)verdict << 8), 0, b, frame.Offset, frame.Length);
                }

                bridgeSide.SendIp(frame, ipLength, destination, now);
                return;
            }

            int route = _routes.Lookup(destination);
            if (route < 0 && !fromOverlay && IsOutside(destination))
            {
                if ((ip.Protocol == IpProtocol.Tcp || ip.Protocol == IpProtocol.Udp) && Host.TakesTransparent)
                {
                    if (traced)
                    {
                        trace.Record(PacketTrace.Routed, PacketTrace.ToEgress | ((uint)verdict << 8), 0, b, frame.Offset, frame.Length);
                    }

                    Host.DeliverTransparent(frame, now); // the egress relay takes it from here
                    return;
                }

                SendError(frame, IcmpType.DestinationUnreachable, IcmpType.AdministrativelyProhibited, now);
                Drop(frame, DropReason.EgressDenied);
                return;
            }

            if (route < 0 || (fromOverlay && !translated))
            {
                // From the overlay, only our own pods are reachable: never bounce VXLAN back out.
                SendError(frame, IcmpType.DestinationUnreachable, IcmpType.NetUnreachable, now);
                Drop(frame, DropReason.NoRoute);
                return;
            }

            Ipv4Packet.DecrementTtl(b, ipAt);
            EthernetRepr ethernet = _ethernet;
            ethernet.Source = _overlay.VtepMac;
            ethernet.Destination = _routes.PeerVtepMac(route);
            ethernet.EtherType = EtherType.Ipv4;
            ethernet.Emit(b, frame.Offset);
            Routed++;
            if (traced)
            {
                trace.Record(PacketTrace.Routed, PacketTrace.ToPeer | ((uint)verdict << 8), _routes.PeerAddress(route), b, frame.Offset, frame.Length);
            }

            _overlay.Send(frame, route, now);
        }

        // Outside the cluster's pod CIDR and the service CIDR: the world beyond the board.
        private bool IsOutside(uint destination)
        {
            NodeConfig c = _node.Config;
            return !Ipv4Address.InPrefix(destination, c.ClusterNetwork, c.ClusterPrefixLength)
                && !Ipv4Address.InPrefix(destination, c.ServiceNetwork, c.ServicePrefixLength)
                && !Ipv4Address.IsLoopback(destination) && !Ipv4Address.IsMulticast(destination) && destination != Ipv4Address.Broadcast;
        }

        // Packets for the node itself (.1 and the VTEP address .0): its host sandbox answers
        // ping, serves its sockets, and refuses the rest as a Linux host would.
        private void Local(PacketBuffer frame, long now)
        {
            Host.DeliverRouted(frame, now);
        }

        /// <summary>Packets the node's host sandbox sends: routed like any the node originates.</summary>
        public void SendIp(PacketBuffer frame, int ipLength, uint destination, long now)
        {
            Output(frame, destination, ipLength, now);
        }

        private void SendError(PacketBuffer about, byte type, byte code, long now)
        {
            SendError(about, type, code, Interface.Address, now);
        }

        private void SendError(PacketBuffer about, byte type, byte code, uint source, long now)
        {
            PacketBuffer error = _node.Pool.Rent();
            if (error == null)
            {
                _node.Drops.Count(DropReason.NoBuffer);
                return;
            }

            int length = _icmpError.Build(error, type, code, source, about.Data,
                about.Offset + EthernetFrame.HeaderLength, about.Length - EthernetFrame.HeaderLength, now);
            if (length == 0)
            {
                _node.Pool.Return(error);
                return;
            }

            Output(error, _icmpError.Destination, length, now);
        }

        // Sends a packet the node itself originates: to a local pod over the bridge, or to a
        // remote pod (or overlay peer) through VXLAN.
        private void Output(PacketBuffer frame, uint destination, int ipLength, long now)
        {
            // The node's own answers are where the tracer marks a reply to a request that reached the
            // node (its Ethernet header is written on the way out: the type first, so it reads as IPv4).
            PacketTrace trace = _node.Trace;
            bool traced = false;
            if (trace != null)
            {
                NetworkOrder.WriteU16(frame.Data, frame.Offset + 12, EtherType.Ipv4);
                traced = trace.Begin(frame.Data, frame.Offset, EthernetFrame.HeaderLength + ipLength, true);
            }

            if (Interface.OnLink(destination))
            {
                if (traced)
                {
                    trace.Record(PacketTrace.Routed, PacketTrace.FromNode, 0, frame.Data, frame.Offset, EthernetFrame.HeaderLength + ipLength);
                }

                Interface.SendIp(frame, ipLength, destination, now);
                return;
            }

            int route = _routes.Lookup(destination);
            if (route < 0)
            {
                Drop(frame, DropReason.NoRoute);
                return;
            }

            frame.Length = EthernetFrame.HeaderLength + ipLength;
            _ethernet.Source = _overlay.VtepMac;
            _ethernet.Destination = _routes.PeerVtepMac(route);
            _ethernet.EtherType = EtherType.Ipv4;
            _ethernet.Emit(frame.Data, frame.Offset);
            if (traced)
            {
                trace.Record(PacketTrace.Routed, PacketTrace.FromNode, _routes.PeerAddress(route), frame.Data, frame.Offset, frame.Length);
            }

            _overlay.Send(frame, route, now);
        }

        // A peer's kernel vxlan device resolves our VTEP address (x.x.x.0) with ARP through
        // the tunnel when it has no static neighbour entry: answer from our VTEP MAC.
        private void AnswerVtepArp(PacketBuffer frame, int route, long now)
        {
            if (_arp.Parse(frame.Data, _ethernet.PayloadOffset, _ethernet.PayloadLength) != WireError.None
                || _arp.Operation != ArpOperation.Request
                || _arp.TargetProtocolAddress != _node.Config.VtepAddress)
            {
                Drop(frame, DropReason.NotForUs);
                return;
            }

            ulong asker = _arp.SenderHardwareAddress;
            uint askerAddress = _arp.SenderProtocolAddress;
            _arp.Operation = ArpOperation.Reply;
            _arp.SenderHardwareAddress = _overlay.VtepMac;
            _arp.SenderProtocolAddress = _node.Config.VtepAddress;
            _arp.TargetHardwareAddress = asker;
            _arp.TargetProtocolAddress = askerAddress;
            frame.Offset = PacketBuffer.Headroom;
            _arp.Emit(frame.Data, frame.Offset + EthernetFrame.HeaderLength);
            _ethernet.Destination = asker;
            _ethernet.Source = _overlay.VtepMac;
            _ethernet.EtherType = EtherType.Arp;
            _ethernet.Emit(frame.Data, frame.Offset);
            frame.Length = EthernetFrame.HeaderLength + ArpPacket.Length;
            _overlay.Send(frame, route, now);
        }

        private void Drop(PacketBuffer frame, int reason)
        {
            _node.Drops.Count(reason, frame);
            _node.Pool.Return(frame);
        }
    }
}
