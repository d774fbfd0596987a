using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// Builds ICMP error messages (RFC 792, RFC 1812 §4.3.2.3): the invoking packet's IP header
    /// and first 8 bytes of data after an 8-byte ICMP header. Never about an ICMP error, a
    /// fragment after the first, or a broadcast, so errors cannot cascade.
    /// </summary>
    public sealed class IcmpError
    {
        private const int QuotedData = 8;
        private readonly Ipv4Repr _ip;
        private readonly IcmpRepr _icmp;
        private readonly Ipv4Repr _original;

        /// <summary>An error builder over a node's shared scratch headers (it fills and emits them within <see cref="Build"/>).</summary>
        internal IcmpError(NodeContext node)
        {
            _ip = node.IpOut;
            _icmp = node.IcmpOut;
            _original = node.IpQuoted;
        }

        /// <summary>Errors allowed per second (RFC 1812 §4.3.2.8 asks for a limit).</summary>
        public const int PerSecond = 10;
        private long _windowStart;
        private int _inWindow;
        public long Suppressed;

        /// <summary>
        /// Writes an error about the IPv4 packet at originalOffset into <paramref name="into"/>
        /// (at into.Offset + 14) and returns the IPv4 length, or 0 when no error may be sent.
        /// </summary>
        public int Build(PacketBuffer into, byte type, byte code, uint source, byte[] original, int originalOffset, int originalLength, long now)
        {
            if (_original.Parse(original, originalOffset, originalLength) != WireError.None
                || _original.FragmentOffset != 0
                || _original.Destination == Ipv4Address.Broadcast
                || Ipv4Address.IsMulticast(_original.Destination)
                || _original.Source == 0)
            {
                return 0;
            }

            if (_original.Protocol == IpProtocol.Icmp && _original.PayloadLength > 0)
            {
                byte originalType = original[_original.PayloadOffset];
                if (originalType != IcmpType.EchoRequest && originalType != IcmpType.EchoReply)
                {
                    return 0;
                }
            }

            if (now - _windowStart >= 1000)
            {
                _windowStart = now;
                _inWindow = 0;
            }

            if (_inWindow >= PerSecond)
            {
                Suppressed++;
                return 0;
            }

            _inWindow++;
            int quoted = _original.HeaderLength + (_original.PayloadLength < QuotedData ? _original.PayloadLength : QuotedData);
            int ipAt = into.Offset + EthernetFrame.HeaderLength;
            int icmpAt = ipAt + Ipv4Packet.MinimumHeaderLength;
            System.Array.Copy(original, originalOffset, into.Data, icmpAt + IcmpPacket.HeaderLength, quoted);
            _icmp.Type = type;
            _icmp.Code = code;
            _icmp.NextHopMtu = 0;
            _icmp.DataLength = quoted;
            _icmp.Emit(into.Data, icmpAt);
            _ip.Source = source;
            _ip.Destination = _original.Source;
            _ip.Protocol = IpProtocol.Icmp;
            _ip.Ttl = 64;
            _ip.TypeOfService = 0;
            _ip.Identification = 0;
            _ip.DontFragment = false;
            _ip.MoreFragments = false;
            _ip.FragmentOffset = 0;
            _ip.PayloadLength = IcmpPacket.HeaderLength + quoted;
            _ip.Emit(into.Data, ipAt);
            return Ipv4Packet.MinimumHeaderLength + _ip.PayloadLength;
        }

        /// <summary>The source of the packet last passed to <see cref="Build"/>: where the error goes.</summary>
        public uint Destination
        {
            get { return _original.Source; }
        }
    }
}
