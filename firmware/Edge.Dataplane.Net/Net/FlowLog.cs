using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// The board's recent flow events, as Hubble keeps a node's: a bounded ring of what the
    /// dataplane decided about connections as it decided it: a new connection to a Service and
    /// the endpoint picked for it (the DNAT, and the masquerade when there is one), its first
    /// reply translated back, a network policy's verdict, a packet dropped and why. Events are
    /// written when a decision is made, never for a packet of an established flow, so keeping it
    /// on costs the hot path nothing; each is <see cref="Words"/> 32-bit words in one array, the
    /// oldest overwritten when the ring is full (the sequence numbers say how many were lost).
    /// </summary>
    public sealed class FlowLog
    {
        /// <summary>A new connection to a Service: DNAT to the endpoint picked (Detail: the service's slot, with <see cref="Masqueraded"/>; Aux: pick position and eligible count).</summary>
        public const int ServicePick = 1;

        /// <summary>In a service pick's Detail: the client was masqueraded too (SNAT to the node: from outside the cluster, or a pod its own Service picked).</summary>
        public const int Masqueraded = 0x8000;

        /// <summary>A connection's first reply, translated back to the Service's address (To: the address the client called).</summary>
        public const int ReplyTranslated = 2;

        /// <summary>A network policy let a new connection through (Detail: the policy; Aux: its rule and direction).</summary>
        public const int PolicyAllowed = 3;

        /// <summary>A network policy's isolation dropped a packet (Detail: the policy that isolates; Aux: direction).</summary>
        public const int PolicyDenied = 4;

        /// <summary>A packet dropped (Detail: its <see cref="DropReason"/>).</summary>
        public const int Dropped = 5;

        /// <summary>
        /// A DNS question the node answered (Detail: the name's slot; To: the first A record's
        /// address, 0 for none; the last word: the question's type &lt;&lt; 16 | rcode &lt;&lt; 8 | answers).
        /// </summary>
        public const int DnsAnswered = 6;

        /// <summary>Bytes a DNS event's name slot takes: its event's sequence number, the name's length, the name (59 characters at most).</summary>
        public const int NameSlotBytes = 64;

        /// <summary>Words an event takes: when, kind/protocol/detail, source, destination, their ports, the translated address, its port and the aux half.</summary>
        public const int Words = 7;

        private readonly uint[] _events;
        private readonly IClock _clock;
        private long _written;

        // The names of the newest DNS events (a slot each, taken in turn; a slot says whose it is,
        // so an event whose name was overwritten shows none): made with the first.
        private byte[] _names;
        private int _nextName;
        private int _next; // the next event's first word: a cursor, no 64-bit division a board would pay on every event

        public FlowLog(int capacity, IClock clock)
        {
            _events = new uint[(capacity < 1 ? 1 : capacity) * Words];
            _clock = clock;
        }

        /// <summary>Events the ring holds at the most.</summary>
        public int Capacity
        {
            get { return _events.Length / Words; }
        }

        /// <summary>Events written since the board started: the next one's sequence number is this plus one.</summary>
        public long Written
        {
            get { return _written; }
        }

        /// <summary>
        /// Records an event. Ports go as source &lt;&lt; 16 | destination; <paramref name="toPortAux"/>
        /// is the translated port &lt;&lt; 16 | the kind's aux half.
        /// </summary>
        public void Write(int kind, int protocol, int detail, uint source, uint destination, uint ports, uint to, uint toPortAux)
        {
            int at = _next;
            _next = at + Words == _events.Length ? 0 : at + Words;
            uint[] e = _events;
            e[at] = (uint)_clock.Milliseconds;
            e[at + 1] = (uint)((kind << 24) | ((protocol & 0xFF) << 16) | (detail & 0xFFFF));
            e[at + 2] = source;
            e[at + 3] = destination;
            e[at + 4] = ports;
            e[at + 5] = to;
            e[at + 6] = toPortAux;
            _written++;
        }

        /// <summary>
        /// Records a DNS answer: the question's name read from <paramref name="message"/> at
        /// <paramref name="nameAt"/> as RFC 1035 writes it (length-prefixed labels, the question's
        /// never compressed), kept as dotted text in the next name slot.
        /// </summary>
        public void Dns(int protocol, uint client, uint server, uint ports, uint answer, uint typeRcodeAnswers, byte[] message, int nameAt, int messageEnd)
        {
            if (_names == null)
            {
                int slots = Capacity / 8;
                _names = new byte[(slots < 2 ? 2 : slots) * NameSlotBytes];
            }

            int slot = _nextName;
            _nextName = (slot + 1) * NameSlotBytes == _names.Length ? 0 : slot + 1;
            int at = slot * NameSlotBytes;
            NetworkOrder.WriteU32(_names, at, (uint)(_written + 1));
            int length = 0;
            int room = NameSlotBytes - 5;
            bool cut = false;
            for (int i = nameAt; i < messageEnd && message[i] != 0 && message[i] < 64 && !cut; i += message[i] + 1)
            {
                int label = message[i];
                cut = length + label + 1 > room;
                for (int c = i + 1; c <= i + label && c < messageEnd && length < room; c++)
                {
                    _names[at + 5 + length++] = message[c];
                }

                if (length < room)
                {
                    _names[at + 5 + length++] = (byte)'.';
                }
            }

            if (cut)
            {
                // Longer than a slot: its end shown as cut.
                _names[at + 5 + room - 3] = (byte)'.';
                _names[at + 5 + room - 2] = (byte)'.';
                _names[at + 5 + room - 1] = (byte)'.';
            }

            _names[at + 4] = (byte)length;
            Write(DnsAnswered, protocol, slot, client, server, ports, answer, typeRcodeAnswers);
        }

        /// <summary>The name of DNS event <paramref name="sequence"/> (its words in <paramref name="e"/>), or null when a newer one took its slot.</summary>
        public string Name(long sequence, uint[] e)
        {
            int at = (int)(e[1] & 0xFFFF) * NameSlotBytes;
            if (_names == null || at + NameSlotBytes > _names.Length || NetworkOrder.ReadU32(_names, at) != (uint)sequence)
            {
                return null;
            }

            int length = _names[at + 4];
            var chars = new char[length];
            for (int i = 0; i < length; i++)
            {
                byte b = _names[at + 5 + i];
                chars[i] = b > 32 && b < 127 ? (char)b : '?'; // a name is printed, not trusted
            }

            return new string(chars);
        }

        /// <summary>
        /// A dropped frame (Ethernet, IPv4 after it): its addresses and ports when it has them,
        /// read at RFC 791's and 768/9293's offsets; only the reason when it is too short to say.
        /// </summary>
        public void Drop(int reason, byte[] b, int offset, int length)
        {
            int ip = offset + 14;
            if (length < 14 + 20 || b[offset + 12] != 0x08 || b[offset + 13] != 0x00 || (b[ip] >> 4) != 4)
            {
                Write(Dropped, 0, reason, 0, 0, 0, 0, 0);
                return;
            }

            int protocol = b[ip + 9];
            int l4 = ip + (b[ip] & 0x0F) * 4;
            uint ports = (protocol == 6 || protocol == 17) && l4 + 4 <= offset + length
                ? (uint)((b[l4] << 24) | (b[l4 + 1] << 16) | (b[l4 + 2] << 8) | b[l4 + 3]) : 0;
            Write(Dropped, protocol, reason, NetworkOrder.ReadU32(b, ip + 12), NetworkOrder.ReadU32(b, ip + 16), ports, 0, 0);
        }

        /// <summary>The event with sequence number <paramref name="sequence"/> (1 is the first ever), or false when the ring no longer holds it.</summary>
        public bool Read(long sequence, uint[] into)
        {
            return Read(sequence, into, 0);
        }

        /// <summary>As <see cref="Read(long, uint[])"/>, the event's words at <paramref name="at"/> in <paramref name="into"/>.</summary>
        public bool Read(long sequence, uint[] into, int at)
        {
            int capacity = _events.Length / Words;
            if (sequence < 1 || sequence > _written || sequence <= _written - capacity)
            {
                return false;
            }

            System.Array.Copy(_events, (int)((sequence - 1) % capacity) * Words, into, at, Words);

            return true;
        }

        /// <summary>The oldest sequence number the ring still holds (Written + 1 when it holds none).</summary>
        public long Oldest
        {
            get
            {
                long oldest = _written - _events.Length / Words + 1;
                return oldest < 1 ? 1 : oldest;
            }
        }
    }
}
