using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// An IPv4 interface on the node bridge: a pod's eth0, or the node's own gateway address.
    /// It answers and learns ARP (RFC 826), resolves next hops through its <see cref="ArpCache"/>,
    /// holds a few packets while a resolution is pending (as Linux's unres_qlen does) and puts
    /// Ethernet headers on outgoing IPv4 packets.
    ///
    /// Buffers passed in are owned by the callee from then on: forwarded, held, or returned to
    /// the pool, never leaked.
    /// </summary>
    public sealed class IpInterface : IIpOutput
    {
        public const int PendingTimeoutMs = 3000;

        private readonly Bridge _bridge;
        private readonly int _port;
        // The node's pool, drop counters and headers (an interface fills and emits headers in
        // one go, or parses an ARP packet and answers it before anything else runs), reached
        // through one field: on nanoFramework each field costs every pod 12 bytes.
        private readonly NodeContext _node;
        // Frames waiting for ARP; each keeps its next hop and since when (PacketBuffer's
        // PendingHop and PendingSince: six buffers' fields, not two more arrays for every pod).
        private readonly PacketBuffer[] _pending;

        public readonly ArpCache Arp;

        public ulong Mac;
        public uint Address;
        public int PrefixLength;

        /// <summary>Where off-subnet packets go; 0 for none (the node's gateway interface routes itself).</summary>
        public uint DefaultGateway;

        /// <summary>Told before a packet that waited for ARP in vain is dropped, or null.</summary>
        public IUnresolvedHandler Unresolved;

        public IpInterface(Bridge bridge, int port, NodeContext node, int arpEntries, int pendingPackets)
        {
            _bridge = bridge;
            _port = port;
            _node = node;
            Arp = new ArpCache(arpEntries);
            _pending = new PacketBuffer[pendingPackets];
        }

        public int Port
        {
            get { return _port; }
        }

        public uint Network
        {
            get { return Address & Ipv4Address.MaskOf(PrefixLength); }
        }

        public uint SubnetBroadcast
        {
            get { return Network | ~Ipv4Address.MaskOf(PrefixLength); }
        }

        public bool OnLink(uint destination)
        {
            return Ipv4Address.InPrefix(destination, Address, PrefixLength);
        }

        /// <summary>
        /// Handles an ARP packet at [offset, offset + length) of the frame and returns the buffer
        /// to the pool (or reuses it for the reply). Learns the sender when the packet is for us
        /// or the sender is already known (RFC 826's merge rule); answers requests for our address.
        /// </summary>
        public void InputArp(PacketBuffer frame, int offset, int length, long now)
        {
            WireError error = _node.Arp.Parse(frame.Data, offset, length);
            if (error != WireError.None)
            {
                _node.Drops.Count(DropReason.Of(error));
                _node.Pool.Return(frame);
                return;
            }

            uint sender = _node.Arp.SenderProtocolAddress;
            bool forUs = _node.Arp.TargetProtocolAddress == Address;
            ulong known;
            if (sender != 0 && (forUs || Arp.TryLookup(sender, now, out known)))
            {
                Arp.Learn(sender, _node.Arp.SenderHardwareAddress, now);
                ReleasePending(sender, _node.Arp.SenderHardwareAddress);
            }

            if (!forUs || _node.Arp.Operation != ArpOperation.Request)
            {
                _node.Pool.Return(frame);
                return;
            }

            // Turn the request into the reply in the same buffer.
            ulong askerMac = _node.Arp.SenderHardwareAddress;
            _node.Arp.Operation = ArpOperation.Reply;
            _node.Arp.TargetHardwareAddress = askerMac;
            _node.Arp.TargetProtocolAddress = sender;
            _node.Arp.SenderHardwareAddress = Mac;
            _node.Arp.SenderProtocolAddress = Address;
            frame.Offset = PacketBuffer.Headroom;
            _node.Arp.Emit(frame.Data, frame.Offset + EthernetFrame.HeaderLength);
            EmitEthernet(frame, askerMac, EtherType.Arp);
            frame.Length = EthernetFrame.HeaderLength + ArpPacket.Length;
            _bridge.Submit(frame, _port);
        }

        /// <summary>
        /// Sends the IPv4 packet of <paramref name="ipLength"/> bytes at frame.Offset + 14 toward
        /// <paramref name="destination"/>: on-link directly, otherwise through the default
        /// gateway; waits for ARP when the next hop is unknown.
        /// </summary>
        public void SendIp(PacketBuffer frame, int ipLength, uint destination, long now)
        {
            frame.Length = EthernetFrame.HeaderLength + ipLength;
            if (destination == Ipv4Address.Broadcast || destination == SubnetBroadcast)
            {
                EmitEthernet(frame, MacAddress.Broadcast, EtherType.Ipv4);
                _bridge.Submit(frame, _port);
                return;
            }

            uint hop = OnLink(destination) ? destination : DefaultGateway;
            if (hop == 0)
            {
                _node.Drops.Count(DropReason.NoRoute);
                _node.Pool.Return(frame);
                return;
            }

            ulong mac;
            if (Arp.TryLookup(hop, now, out mac))
            {
                EmitEthernet(frame, mac, EtherType.Ipv4);
                _bridge.Submit(frame, _port);
                return;
            }

            Hold(frame, hop, now);
            if (Arp.ShouldRequest(hop, now))
            {
                SendArpRequest(hop);
            }
        }

        /// <summary>Expires packets that waited too long for ARP and old cache entries.</summary>
        public void Poll(long now)
        {
            for (int i = 0; i < _pending.Length; i++)
            {
                if (_pending[i] != null && now - _pending[i].PendingSince >= PendingTimeoutMs)
                {
                    _node.Drops.Count(DropReason.ArpUnresolved);
                    if (Unresolved != null)
                    {
                        Unresolved.OnUnresolved(_pending[i], now);
                    }

                    _node.Pool.Return(_pending[i]);
                    _pending[i] = null;
                }
                else if (_pending[i] != null && Arp.ShouldRequest(_pending[i].PendingHop, now))
                {
                    SendArpRequest(_pending[i].PendingHop);
                }
            }

            Arp.Expire(now);
        }

        /// <summary>Gives every held packet back to the pool (the interface is going away).</summary>
        public void Clear()
        {
            for (int i = 0; i < _pending.Length; i++)
            {
                if (_pending[i] != null)
                {
                    _node.Pool.Return(_pending[i]);
                    _pending[i] = null;
                }
            }
        }

        private void Hold(PacketBuffer frame, uint hop, long now)
        {
            for (int i = 0; i < _pending.Length; i++)
            {
                if (_pending[i] == null)
                {
                    _pending[i] = frame;
                    frame.PendingHop = hop;
                    frame.PendingSince = now;
                    return;
                }
            }

            _node.Drops.Count(DropReason.ArpUnresolved);
            _node.Pool.Return(frame);
        }

        private void ReleasePending(uint hop, ulong mac)
        {
            for (int i = 0; i < _pending.Length; i++)
            {
                if (_pending[i] != null && _pending[i].PendingHop == hop)
                {
                    PacketBuffer frame = _pending[i];
                    _pending[i] = null;
                    EmitEthernet(frame, mac, EtherType.Ipv4);
                    _bridge.Submit(frame, _port);
                }
            }
        }

        private void SendArpRequest(uint target)
        {
            PacketBuffer frame = _node.Pool.Rent();
            if (frame == null)
            {
                _node.Drops.Count(DropReason.NoBuffer);
                return;
            }

            _node.Arp.Operation = ArpOperation.Request;
            _node.Arp.SenderHardwareAddress = Mac;
            _node.Arp.SenderProtocolAddress = Address;
            _node.Arp.TargetHardwareAddress = MacAddress.Zero;
            _node.Arp.TargetProtocolAddress = target;
            _node.Arp.Emit(frame.Data, frame.Offset + EthernetFrame.HeaderLength);
            EmitEthernet(frame, MacAddress.Broadcast, EtherType.Arp);
            frame.Length = EthernetFrame.HeaderLength + ArpPacket.Length;
            _bridge.Submit(frame, _port);
        }

        private void EmitEthernet(PacketBuffer frame, ulong destination, ushort etherType)
        {
            _node.EthernetOut.Destination = destination;
            _node.EthernetOut.Source = Mac;
            _node.EthernetOut.EtherType = etherType;
            _node.EthernetOut.Emit(frame.Data, frame.Offset);
        }
    }
}
