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
        // The node's pool, drop counters and headers (an interface fills and emits headers in
        // one go, or parses an ARP packet and answers it before anything else runs), reached
        // through one field: on nanoFramework each field costs every pod 12 bytes.
        private readonly NodeContext _node;
        // Frames waiting for ARP, oldest first, as a list through the buffers themselves (each
        // keeps its next hop, since when and the next frame: fields of the pool's buffers, not
        // arrays of every interface), at most the node's PendingArpPackets long.
        private PacketBuffer _pending;

        public readonly ArpCache Arp;

        // On nanoFramework every field takes a 12-byte block (a long as much as a byte), so the
        // interface's settings share two (every pod has one): the MAC (the low 48 bits) with the
        // bridge port (10 bits above it) and the prefix length (the top 6), and the address
        // (high) with the default gateway (low).
        private ulong _link;
        private ulong _addresses;
        private const ulong MacMask = 0xFFFFFFFFFFFF;
        private const int PortShift = 48;
        private const int PortMask = 0x3FF;
        private const int PrefixShift = 58;

        public ulong Mac
        {
            get { return _link & MacMask; }
            set { _link = (_link & ~MacMask) | (value & MacMask); }
        }

        public uint Address
        {
            get { return (uint)(_addresses >> 32); }
            set { _addresses = (_addresses & 0xFFFFFFFF) | ((ulong)value << 32); }
        }

        /// <summary>0-32.</summary>
        public int PrefixLength
        {
            get { return (int)(_link >> PrefixShift); }
            set { _link = (_link & ~(0x3FUL << PrefixShift)) | ((ulong)(value & 0x3F) << PrefixShift); }
        }

        /// <summary>Where off-subnet packets go; 0 for none (the node's gateway interface routes itself).</summary>
        public uint DefaultGateway
        {
            get { return (uint)_addresses; }
            set { _addresses = (_addresses & 0xFFFFFFFF00000000) | value; }
        }

        /// <summary>Told before a packet that waited for ARP in vain is dropped, or null.</summary>
        public IUnresolvedHandler Unresolved;

        public IpInterface(Bridge bridge, int port, NodeContext node, int arpEntries)
        {
            _bridge = bridge;
            _link = (ulong)(port & PortMask) << PortShift;
            _node = node;
            Arp = new ArpCache(arpEntries);
        }

        public int Port
        {
            get { return (int)(_link >> PortShift) & PortMask; }
        }

        public uint Network
        {
            get { return Address & Ipv4Address.MaskOf(PrefixLength); }
        }

        public uint SubnetBroadcast
        {
            get { return Address | ~Ipv4Address.MaskOf(PrefixLength); }
        }

        public bool OnLink(uint destination)
        {
            int prefix = (int)(_link >> PrefixShift);
            uint mask = prefix <= 0 ? 0 : prefix >= 32 ? 0xFFFFFFFF : ~(0xFFFFFFFF >> prefix);
            return ((destination ^ (uint)(_addresses >> 32)) & mask) == 0;
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
            _bridge.Submit(frame, Port);
        }

        /// <summary>
        /// Sends the IPv4 packet of <paramref name="ipLength"/> bytes at frame.Offset + 14 toward
        /// <paramref name="destination"/>: on-link directly, otherwise through the default
        /// gateway; waits for ARP when the next hop is unknown.
        /// </summary>
        public void SendIp(PacketBuffer frame, int ipLength, uint destination, long now)
        {
            frame.Length = EthernetFrame.HeaderLength + ipLength;
            ulong link = _link;
            int port = (int)(link >> PortShift) & PortMask;
            int prefix = (int)(link >> PrefixShift);
            ulong addresses = _addresses;
            uint address = (uint)(addresses >> 32);
            uint mask = prefix <= 0 ? 0 : prefix >= 32 ? 0xFFFFFFFF : ~(0xFFFFFFFF >> prefix);
            if (destination == Ipv4Address.Broadcast || destination == (address | ~mask))
            {
                EmitEthernet(frame, MacAddress.Broadcast, EtherType.Ipv4);
                _bridge.Submit(frame, port);
                return;
            }

            uint hop = ((destination ^ address) & mask) == 0 ? destination : (uint)addresses;
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
                _bridge.Submit(frame, port);
                return;
            }

            Hold(frame, hop, now);
            if (Arp.ShouldRequest(hop, now))
            {
                SendArpRequest(hop);
            }
        }

        /// <summary>
        /// The interface's timer (the node runs it every <see cref="NodeContext.TickMs"/>): asks again
        /// for hops still unresolved, and gives up on packets that waited too long for ARP.
        /// </summary>
        public void Poll(long now)
        {
            PacketBuffer previous = null;
            for (PacketBuffer frame = _pending; frame != null;)
            {
                PacketBuffer next = frame.NextPending;
                if (now - frame.PendingSince >= PendingTimeoutMs)
                {
                    Unlink(previous, frame);
                    _node.Drops.Count(DropReason.ArpUnresolved);
                    if (Unresolved != null)
                    {
                        Unresolved.OnUnresolved(frame, now);
                    }

                    _node.Pool.Return(frame);
                }
                else
                {
                    if (Arp.ShouldRequest(frame.PendingHop, now))
                    {
                        SendArpRequest(frame.PendingHop);
                    }

                    previous = frame;
                }

                frame = next;
            }
        }

        /// <summary>Gives every held packet back to the pool (the interface is going away).</summary>
        public void Clear()
        {
            while (_pending != null)
            {
                PacketBuffer frame = _pending;
                Unlink(null, frame);
                _node.Pool.Return(frame);
            }
        }

        private void Hold(PacketBuffer frame, uint hop, long now)
        {
            int held = 0;
            PacketBuffer last = null;
            for (PacketBuffer p = _pending; p != null; p = p.NextPending)
            {
                held++;
                last = p;
            }

            if (held >= _node.Config.PendingArpPackets)
            {
                _node.Drops.Count(DropReason.ArpUnresolved);
                _node.Pool.Return(frame);
                return;
            }

            frame.PendingHop = hop;
            frame.PendingSince = now;
            frame.NextPending = null;
            _node.FramesWaitingForArp++;
            if (last == null)
            {
                _pending = frame;
            }
            else
            {
                last.NextPending = frame;
            }
        }

        private void ReleasePending(uint hop, ulong mac)
        {
            PacketBuffer previous = null;
            for (PacketBuffer frame = _pending; frame != null;)
            {
                PacketBuffer next = frame.NextPending;
                if (frame.PendingHop == hop)
                {
                    Unlink(previous, frame);
                    EmitEthernet(frame, mac, EtherType.Ipv4);
                    _bridge.Submit(frame, Port);
                }
                else
                {
                    previous = frame;
                }

                frame = next;
            }
        }

        private void Unlink(PacketBuffer previous, PacketBuffer frame)
        {
            if (previous == null)
            {
                _pending = frame.NextPending;
            }
            else
            {
                previous.NextPending = frame.NextPending;
            }

            frame.NextPending = null;
            _node.FramesWaitingForArp--;
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
            _bridge.Submit(frame, Port);
        }

        // The Ethernet II header in front of the packet: destination, our MAC, EtherType.
        private void EmitEthernet(PacketBuffer frame, ulong destination, ushort etherType)
        {
            byte[] b = frame.Data;
            int o = frame.Offset;
            uint high = (uint)(destination >> 32);
            uint low = (uint)destination;
            b[o] = (byte)(high >> 8);
            b[o + 1] = (byte)high;
            b[o + 2] = (byte)(low >> 24);
            b[o + 3] = (byte)(low >> 16);
            b[o + 4] = (byte)(low >> 8);
            b[o + 5] = (byte)low;
            ulong mac = _link; // the MAC is its low 48 bits: the bytes below take no more
            high = (uint)(mac >> 32);
            low = (uint)mac;
            b[o + 6] = (byte)(high >> 8);
            b[o + 7] = (byte)high;
            b[o + 8] = (byte)(low >> 24);
            b[o + 9] = (byte)(low >> 16);
            b[o + 10] = (byte)(low >> 8);
            b[o + 11] = (byte)low;
            b[o + 12] = (byte)(etherType >> 8);
            b[o + 13] = (byte)etherType;
        }
    }
}
