using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// The connection-tracking table (the gVisor netstack and Linux nf_conntrack model): every
    /// proxied connection is an original tuple and a reply tuple, each in its own hash chain,
    /// so a packet finds its entry from either direction in O(1). NAT is the difference between
    /// the two tuples. Fixed capacity; when full, an entry that never saw a reply is dropped to
    /// make room (Linux's early_drop), and if there is none the new flow is refused and counted,
    /// so established connections survive a flood.
    /// </summary>
    public sealed class Conntrack
    {
        private const int Nil = -1;
        private const int EarlyDropScan = 16;

        private readonly int _mask;
        private readonly short[] _originalHead;
        private readonly short[] _replyHead;
        private readonly short[] _originalNext;
        private readonly short[] _replyNext;

        // Original tuple: what the client sent. Reply tuple: what the server sends back.
        internal readonly byte[] Protocol;
        internal readonly uint[] OriginalSource;
        internal readonly ushort[] OriginalSourcePort;
        // The original destination is the service's address and port, the same for every flow of
        // a service: kept once per service slot, not once per flow (6 bytes a flow, 1.3 KiB of a
        // WROOM board's table).
        private readonly uint[] _serviceAddress;
        private readonly ushort[] _servicePort;
        internal readonly uint[] ReplySource;
        internal readonly ushort[] ReplySourcePort;
        // The reply's destination is the client's own address, or the node's masquerade address
        // when the flow was SNATed (kube-proxy's KUBE-MARK-MASQ): a flag, not 4 bytes a flow.
        private readonly uint _masqueradeAddress;
        internal readonly ushort[] ReplyDestinationPort;

        // Narrow types where the range allows: a WROOM board keeps 256 of these rows in 64 KB with everything else
        // (chains as short indexes, so a table holds at most 32767 entries; byte counters wrap at 4 GiB as in a workshop they never do).
        // When an entry expires: the clock's milliseconds cut to 32 bits, compared by difference
        // (wraps safely while timeouts stay under 24 days; Linux's longest, established TCP, is 5).
        private readonly int[] _expires;
        private readonly byte[] _flags;
        // The service a flow was proxied for. Which of its endpoints it went to is its reply
        // tuple (ReplySource, ReplySourcePort), not an index kept beside it: an index had to be
        // remapped whenever a service's endpoints changed, and cost 2 bytes a flow.
        internal readonly short[] ServiceSlot;

        // Per-flow packets and bytes, kept only with accounting on (Linux's nf_conntrack_acct):
        // 16 bytes a flow that a small board does without.
        internal readonly uint[] PacketsOriginal;
        internal readonly uint[] PacketsReply;
        internal readonly uint[] BytesOriginal;
        internal readonly uint[] BytesReply;

        /// <summary>Whether flows count their packets and bytes (`conntrack -L` then shows them).</summary>
        public readonly bool Accounting;

        // An entry's flags and its TCP state (<see cref="ConntrackState"/>, 0-6) share a byte:
        // five flag bits below, the state in the top three. (An entry is free when its protocol
        // is 0: IP protocol 0 is never tracked.)
        private const byte MasqueradedFlag = 1;
        private const byte AssuredFlag = 2;
        private const byte FinOriginalFlag = 4;
        private const byte FinReplyFlag = 8;
        private const byte RepliedFlag = 16;
        private const int StateShift = 5;
        private const int StateMask = 7 << StateShift;

        /// <summary>Whether an entry has seen a packet in its reply direction.</summary>
        public bool HasReplied(int i)
        {
            return (_flags[i] & RepliedFlag) != 0;
        }

        /// <summary>An entry's TCP state (<see cref="ConntrackState"/>; None for UDP and ICMP).</summary>
        public int StateOf(int i)
        {
            return (_flags[i] & StateMask) >> StateShift;
        }

        private int _count;
        private int _scan;

        /// <summary>New flows refused because the table was full of replied connections.</summary>
        public long Refused;

        /// <summary>Unreplied entries dropped to make room.</summary>
        public long EarlyDrops;

        /// <param name="masqueradeAddress">The address SNATed flows are given (the node's gateway address).</param>
        /// <param name="serviceSlots">The service table's slots: flows name their service by slot.</param>
        public Conntrack(int capacity, bool accounting, uint masqueradeAddress, int serviceSlots)
        {
            _serviceAddress = new uint[serviceSlots];
            _servicePort = new ushort[serviceSlots];
            Accounting = accounting;
            _masqueradeAddress = masqueradeAddress;
            // Half as many buckets as entries: chains of two when the table is full, and half the
            // heads' memory (two short[] of them, one per direction).
            int buckets = 1;
            while (buckets * 2 < capacity)
            {
                buckets <<= 1;
            }

            _mask = buckets - 1;
            _originalHead = new short[buckets];
            _replyHead = new short[buckets];
            for (int i = 0; i < buckets; i++)
            {
                _originalHead[i] = Nil;
                _replyHead[i] = Nil;
            }

            _originalNext = new short[capacity];
            _replyNext = new short[capacity];
            Protocol = new byte[capacity];
            OriginalSource = new uint[capacity];
            OriginalSourcePort = new ushort[capacity];
            ReplySource = new uint[capacity];
            ReplySourcePort = new ushort[capacity];
            ReplyDestinationPort = new ushort[capacity];
            _expires = new int[capacity];
            _flags = new byte[capacity];
            ServiceSlot = new short[capacity];
            PacketsOriginal = accounting ? new uint[capacity] : Empty.UInts;
            PacketsReply = accounting ? new uint[capacity] : Empty.UInts;
            BytesOriginal = accounting ? new uint[capacity] : Empty.UInts;
            BytesReply = accounting ? new uint[capacity] : Empty.UInts;
        }

        public int Count
        {
            get { return _count; }
        }

        public int Capacity
        {
            get { return _flags.Length; }
        }

        /// <summary>
        /// The entry whose original or reply tuple is this packet's, or -1; <paramref name="reply"/>
        /// says which direction matched.
        /// </summary>
        public int Find(byte protocol, uint source, ushort sourcePort, uint destination, ushort destinationPort, long now, out bool reply)
        {
            int bucket = Hash(protocol, source, sourcePort, destination, destinationPort) & _mask;
            for (int i = _originalHead[bucket]; i != Nil; i = _originalNext[i])
            {
                int slot = ServiceSlot[i];
                if (Protocol[i] == protocol && OriginalSource[i] == source && OriginalSourcePort[i] == sourcePort
                    && _serviceAddress[slot] == destination && _servicePort[slot] == destinationPort)
                {
                    reply = false;
                    return (int)now - _expires[i] >= 0 ? Forget(i) : i;
                }
            }

            for (int i = _replyHead[bucket]; i != Nil; i = _replyNext[i])
            {
                if (Protocol[i] == protocol && ReplySource[i] == source && ReplySourcePort[i] == sourcePort
                    && ReplyDestinationPort[i] == destinationPort && ReplyDestinationOf(i) == destination)
                {
                    reply = true;
                    return (int)now - _expires[i] >= 0 ? Forget(i) : i;
                }
            }

            reply = false;
            return Nil;
        }

        /// <summary>True when some entry already has this reply tuple (a SNAT port must be unique).</summary>
        public bool ReplyTupleTaken(byte protocol, uint source, ushort sourcePort, uint destination, ushort destinationPort, long now)
        {
            bool reply;
            int i = Find(protocol, source, sourcePort, destination, destinationPort, now, out reply);
            return i != Nil;
        }

        /// <summary>
        /// Creates an entry for a flow to the service in <paramref name="serviceSlot"/> at
        /// originalDestination:originalDestinationPort; -1 when the table is full of replied
        /// connections (counted in <see cref="Refused"/>). A slot now holding a service at another
        /// address or port first loses the flows of the one before.
        /// </summary>
        public int Create(byte protocol,
            uint originalSource, ushort originalSourcePort, uint originalDestination, ushort originalDestinationPort,
            uint replySource, ushort replySourcePort, uint replyDestination, ushort replyDestinationPort,
            int serviceSlot, long now)
        {
            bool masqueraded = replyDestination != originalSource;
            if (protocol == 0 || (masqueraded && replyDestination != _masqueradeAddress) || serviceSlot < 0 || serviceSlot >= _serviceAddress.Length)
            {
                return Nil; // not a flow this table can hold (the proxy only NATs to these)
            }

            if (_serviceAddress[serviceSlot] != originalDestination || _servicePort[serviceSlot] != originalDestinationPort)
            {
                RemoveService(serviceSlot); // their original tuples would change under them
                _serviceAddress[serviceSlot] = originalDestination;
                _servicePort[serviceSlot] = originalDestinationPort;
            }

            int i = FreeEntry(now);
            if (i == Nil)
            {
                Refused++;
                return Nil;
            }

            _flags[i] = masqueraded ? MasqueradedFlag : (byte)0; // state None
            Protocol[i] = protocol;
            OriginalSource[i] = originalSource;
            OriginalSourcePort[i] = originalSourcePort;
            ReplySource[i] = replySource;
            ReplySourcePort[i] = replySourcePort;
            ReplyDestinationPort[i] = replyDestinationPort;
            ServiceSlot[i] = (short)serviceSlot;
            if (Accounting)
            {
                PacketsOriginal[i] = PacketsReply[i] = 0;
                BytesOriginal[i] = BytesReply[i] = 0;
            }

            SetExpiry(i, now, protocol == IpProtocol.Tcp ? ConntrackTimeouts.TcpSynSent : protocol == IpProtocol.Udp ? ConntrackTimeouts.UdpUnreplied : ConntrackTimeouts.Icmp);

            int bucket = Hash(protocol, originalSource, originalSourcePort, originalDestination, originalDestinationPort) & _mask;
            _originalNext[i] = _originalHead[bucket];
            _originalHead[bucket] = (short)i;
            bucket = Hash(protocol, replySource, replySourcePort, replyDestination, replyDestinationPort) & _mask;
            _replyNext[i] = _replyHead[bucket];
            _replyHead[bucket] = (short)i;
            _count++;
            return i;
        }

        /// <summary>
        /// Accounts a packet of an entry and moves its state (a simplified RFC 9293 tracker:
        /// SYN, SYN-ACK, ACK, FINs, RST), which sets how long it may stay idle.
        /// </summary>
        public void Observe(int i, bool reply, byte tcpFlags, int bytes, long now)
        {
            if (reply)
            {
                _flags[i] |= RepliedFlag;
            }

            if (Accounting && reply)
            {
                PacketsReply[i]++;
                BytesReply[i] += (uint)bytes;
            }
            else if (Accounting)
            {
                PacketsOriginal[i]++;
                BytesOriginal[i] += (uint)bytes;
            }

            byte protocol = Protocol[i];
            if (protocol == IpProtocol.Udp)
            {
                // UDP is assured once it has been answered, and then lives longer (nf_conntrack_udp).
                int flags = reply ? _flags[i] | AssuredFlag : _flags[i];
                _flags[i] = (byte)flags;
                _expires[i] = (int)now + ((flags & AssuredFlag) != 0 ? ConntrackTimeouts.UdpReplied : ConntrackTimeouts.UdpUnreplied);
                return;
            }

            if (protocol != IpProtocol.Tcp)
            {
                if (reply)
                {
                    _flags[i] |= AssuredFlag;
                }

                SetExpiry(i, now, ConntrackTimeouts.Icmp);
                return;
            }

            int state = StateOf(i);
            if ((tcpFlags & TcpFlags.Rst) != 0)
            {
                state = ConntrackState.Close;
            }
            else if ((tcpFlags & TcpFlags.Syn) != 0)
            {
                if (!reply && (state == ConntrackState.None || state == ConntrackState.SynSent || state == ConntrackState.TimeWait || state == ConntrackState.Close))
                {
                    state = ConntrackState.SynSent;
                }
                else if (reply && (tcpFlags & TcpFlags.Ack) != 0 && state == ConntrackState.SynSent)
                {
                    state = ConntrackState.SynReceived;
                }
            }
            else if ((tcpFlags & TcpFlags.Fin) != 0)
            {
                _flags[i] |= reply ? FinReplyFlag : FinOriginalFlag;
                const byte both = FinOriginalFlag | FinReplyFlag;
                state = (_flags[i] & both) == both ? ConntrackState.TimeWait : ConntrackState.FinWait;
            }
            else if ((tcpFlags & TcpFlags.Ack) != 0 && state == ConntrackState.SynReceived && !reply)
            {
                state = ConntrackState.Established;
                _flags[i] |= AssuredFlag;
            }

            _flags[i] = (byte)((_flags[i] & ~StateMask) | (state << StateShift));
            int timeout;
            switch (state)
            {
                case ConntrackState.SynSent: timeout = ConntrackTimeouts.TcpSynSent; break;
                case ConntrackState.SynReceived: timeout = ConntrackTimeouts.TcpSynReceived; break;
                case ConntrackState.Established: timeout = ConntrackTimeouts.TcpEstablished; break;
                case ConntrackState.FinWait: timeout = ConntrackTimeouts.TcpFinWait; break;
                case ConntrackState.TimeWait: timeout = ConntrackTimeouts.TcpTimeWait; break;
                case ConntrackState.Close: timeout = ConntrackTimeouts.TcpClose; break;
                default: timeout = ConntrackTimeouts.TcpSynSent; break;
            }

            SetExpiry(i, now, timeout);
        }

        public void Remove(int i)
        {
            if (!IsUsed(i))
            {
                return;
            }

            Unlink(_originalHead, _originalNext, Hash(Protocol[i], OriginalSource[i], OriginalSourcePort[i], OriginalDestinationOf(i), OriginalDestinationPortOf(i)) & _mask, i);
            Unlink(_replyHead, _replyNext, Hash(Protocol[i], ReplySource[i], ReplySourcePort[i], ReplyDestinationOf(i), ReplyDestinationPort[i]) & _mask, i);
            _flags[i] = 0;
            Protocol[i] = 0;
            _count--;
        }

        /// <summary>Frees expired entries, looking at no more than <paramref name="budget"/> slots per call.</summary>
        public void Expire(long now, int budget)
        {
            for (int n = 0; n < budget && n < _flags.Length; n++)
            {
                _scan = (_scan + 1) % _flags.Length;
                if (IsUsed(_scan) && Expired(_scan, now))
                {
                    Remove(_scan);
                }
            }
        }

        /// <summary>Removes every entry of a service's endpoint (its pod is gone); returns how many.</summary>
        public int RemoveEndpoint(int serviceSlot, uint address, ushort port, byte protocol)
        {
            int removed = 0;
            for (int i = 0; i < _flags.Length; i++)
            {
                if (IsUsed(i) && ServiceSlot[i] == serviceSlot && Protocol[i] == protocol && ReplySource[i] == address && ReplySourcePort[i] == port)
                {
                    Remove(i);
                    removed++;
                }
            }

            return removed;
        }

        /// <summary>Removes every entry of a service (it was deleted).</summary>
        /// <summary>What the flow's client sent to: its service's address.</summary>
        public uint OriginalDestinationOf(int i)
        {
            return _serviceAddress[ServiceSlot[i]];
        }

        public ushort OriginalDestinationPortOf(int i)
        {
            return _servicePort[ServiceSlot[i]];
        }

        public int RemoveService(int serviceSlot)
        {
            int removed = 0;
            for (int i = 0; i < _flags.Length; i++)
            {
                if (IsUsed(i) && ServiceSlot[i] == serviceSlot)
                {
                    Remove(i);
                    removed++;
                }
            }

            return removed;
        }

        /// <summary>Seen both ways long enough to keep (TCP established, UDP/ICMP replied): early drop spares it.</summary>
        public bool IsAssured(int i)
        {
            return (_flags[i] & AssuredFlag) != 0;
        }

        /// <summary>A packet has come back the reply way (else `conntrack -L` says [UNREPLIED]).</summary>
        public bool HasReply(int i)
        {
            return (_flags[i] & RepliedFlag) != 0;
        }

        /// <summary>Whether the entry's timeout has run out at <paramref name="now"/>.</summary>
        public bool Expired(int i, long now)
        {
            return (int)now - _expires[i] >= 0;
        }

        /// <summary>Milliseconds the entry has left (0 once expired).</summary>
        public int Remaining(int i, long now)
        {
            int left = _expires[i] - (int)now;
            return left > 0 ? left : 0;
        }

        private void SetExpiry(int i, long now, int timeoutMs)
        {
            _expires[i] = (int)now + timeoutMs;
        }

        /// <summary>Where replies of the flow go: its client, or the masquerade address if it was SNATed.</summary>
        public uint ReplyDestinationOf(int i)
        {
            return (_flags[i] & MasqueradedFlag) != 0 ? _masqueradeAddress : OriginalSource[i];
        }

        public bool IsUsed(int i)
        {
            return Protocol[i] != 0;
        }

        // An expired entry found by a lookup: gone, as if it were never there.
        private int Forget(int i)
        {
            Remove(i);
            return Nil;
        }

        private int FreeEntry(long now)
        {
            if (_count < _flags.Length)
            {
                for (int i = 0; i < _flags.Length; i++)
                {
                    if (!IsUsed(i))
                    {
                        return i;
                    }
                }
            }

            // Full: an expired entry, else one that never saw a reply (early drop).
            for (int n = 0; n < _flags.Length; n++)
            {
                _scan = (_scan + 1) % _flags.Length;
                if (Expired(_scan, now))
                {
                    Remove(_scan);
                    return _scan;
                }

                if (n < EarlyDropScan * 4 && !IsAssured(_scan))
                {
                    Remove(_scan);
                    EarlyDrops++;
                    return _scan;
                }
            }

            return Nil;
        }

        private static void Unlink(short[] head, short[] next, int bucket, int entry)
        {
            if (head[bucket] == entry)
            {
                head[bucket] = next[entry];
                return;
            }

            for (int i = head[bucket]; i != Nil; i = next[i])
            {
                if (next[i] == entry)
                {
                    next[i] = next[entry];
                    return;
                }
            }
        }

        private static int Hash(byte protocol, uint source, ushort sourcePort, uint destination, ushort destinationPort)
        {
            // Symmetric in nothing: original and reply tuples hash independently.
            uint h = source * 2654435761u;
            h ^= destination * 2246822519u;
            h ^= ((uint)sourcePort << 16 | destinationPort) * 3266489917u;
            h ^= protocol;
            h ^= h >> 16;
            return (int)(h & 0x7FFFFFFF);
        }
    }
}
