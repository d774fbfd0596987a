using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// IPv4-to-MAC neighbour entries (RFC 826) in a fixed table. Entries expire; when the table
    /// is full the entry that expires soonest makes room, so a flood of new addresses can never
    /// grow it. Requests for one address are spaced <see cref="RequestIntervalMs"/> apart, and
    /// all requests together are limited to <see cref="RequestsPerSecond"/>.
    /// </summary>
    public sealed class ArpCache
    {
        public const int ReachableMs = 60000;
        public const int IncompleteMs = 3000;
        public const int RequestIntervalMs = 1000;
        public const int RequestsPerSecond = 10;

        // Each entry is one 20-byte record in a single array, laid out like the kernel's
        // neighbour entry it models: on nanoFramework five parallel arrays and their headers
        // cost a pod's four-entry cache twice as much as the entries themselves. Times are the
        // clock's milliseconds cut to 32 bits and compared by difference (safe for spans under
        // 24 days).
        private const int AddressAt = 0;     // IPv4 address
        private const int MacAt = 4;         // 6 bytes
        private const int FlagsAt = 10;
        private const int ExpiresAt = 12;
        private const int LastRequestAt = 16; // 0: no request sent since the entry was made
        private const int EntryBytes = 20;
        private const byte UsedFlag = 1;
        private const byte ResolvedFlag = 2;

        // After the entries, the cache's own state in the same array (four fields of their own
        // cost every pod 48 bytes): the rate limit's window (its start, cut to 32 bits as the
        // entries' times are, and the requests sent in it) and the two counters.
        private const int WindowStartAt = 0;
        private const int RequestsInWindowAt = 4;
        private const int EvictionsAt = 8;
        private const int SuppressedAt = 12;
        private const int StateBytes = 16;
        private readonly byte[] _entries;

        public ArpCache(int capacity)
        {
            _entries = new byte[capacity * EntryBytes + StateBytes];
        }

        // Where the cache's state starts: the end of the entries.
        private int State
        {
            get { return _entries.Length - StateBytes; }
        }

        public int Capacity
        {
            get { return State / EntryBytes; }
        }

        /// <summary>Entries pushed out to make room for new ones.</summary>
        public long Evictions
        {
            get { return NetworkOrder.ReadU32(_entries, State + EvictionsAt); }
        }

        /// <summary>Requests not sent because of the rate limit.</summary>
        public long RequestsSuppressed
        {
            get { return NetworkOrder.ReadU32(_entries, State + SuppressedAt); }
        }

        public int Count
        {
            get
            {
                int n = 0;
                int end = State;
                for (int i = 0; i < end; i += EntryBytes)
                {
                    if ((_entries[i + FlagsAt] & UsedFlag) != 0)
                    {
                        n++;
                    }
                }

                return n;
            }
        }

        /// <summary>The MAC for an address, if resolved and not expired.</summary>
        public bool TryLookup(uint address, long now, out ulong mac)
        {
            byte[] e = _entries;
            int i = -1;
            byte a0 = (byte)(address >> 24);
            byte a3 = (byte)address;
            int end = e.Length - StateBytes;
            for (int j = 0; j < end; j += EntryBytes)
            {
                // Find(), in this body: it runs for every packet a pod sends.
                if (e[j + AddressAt + 3] == a3 && e[j + AddressAt] == a0 && (e[j + FlagsAt] & UsedFlag) != 0 && Address(j) == address)
                {
                    i = j;
                    break;
                }
            }

            if (i >= 0 && (e[i + FlagsAt] & ResolvedFlag) != 0)
            {
                int at = i + ExpiresAt;
                int expires = (e[at] << 24) | (e[at + 1] << 16) | (e[at + 2] << 8) | e[at + 3];
                if ((int)now - expires < 0)
                {
                    at = i + MacAt;
                    mac = ((ulong)(uint)((e[at] << 8) | e[at + 1]) << 32) | (uint)((e[at + 2] << 24) | (e[at + 3] << 16) | (e[at + 4] << 8) | e[at + 5]);
                    return true;
                }
            }

            mac = 0;
            return false;
        }

        /// <summary>Records what an ARP packet told us (sender address and MAC).</summary>
        public void Learn(uint address, ulong mac, long now)
        {
            int i = Find(address);
            if (i < 0)
            {
                i = Allocate(now);
            }

            NetworkOrder.WriteU32(_entries, i + AddressAt, address);
            MacAddress.Write(_entries, i + MacAt, mac);
            _entries[i + FlagsAt] = UsedFlag | ResolvedFlag;
            SetTime(i + ExpiresAt, (int)now + ReachableMs);
        }

        /// <summary>
        /// Whether to send an ARP request for an address now: not when one went out for it in
        /// the last second, and not beyond the rate limit. Creates an incomplete entry.
        /// </summary>
        public bool ShouldRequest(uint address, long now)
        {
            int i = Find(address);
            if (i >= 0 && Time(i + LastRequestAt) != 0 && (int)now - Time(i + LastRequestAt) < RequestIntervalMs)
            {
                return false;
            }

            // A window that started a second or more ago, or so long ago that the 32-bit
            // difference went negative, is over.
            int state = State;
            int since = (int)now - Time(state + WindowStartAt);
            if (since >= 1000 || since < 0)
            {
                SetTime(state + WindowStartAt, (int)now);
                _entries[state + RequestsInWindowAt] = 0;
            }

            if (_entries[state + RequestsInWindowAt] >= RequestsPerSecond)
            {
                Increment(state + SuppressedAt);
                return false;
            }

            if (i < 0)
            {
                i = Allocate(now);
                _entries[i + FlagsAt] = UsedFlag;
                NetworkOrder.WriteU32(_entries, i + AddressAt, address);
                SetTime(i + ExpiresAt, (int)now + IncompleteMs);
            }

            SetTime(i + LastRequestAt, (int)now == 0 ? 1 : (int)now);
            _entries[state + RequestsInWindowAt]++;
            return true;
        }

        /// <summary>Drops every entry for an address (a pod went away).</summary>
        public void Forget(uint address)
        {
            int i = Find(address);
            if (i >= 0)
            {
                _entries[i + FlagsAt] = 0;
            }
        }

        /// <summary>Frees expired entries.</summary>
        public void Expire(long now)
        {
            int end = State;
            for (int i = 0; i < end; i += EntryBytes)
            {
                if ((_entries[i + FlagsAt] & UsedFlag) != 0 && (int)now - Time(i + ExpiresAt) >= 0)
                {
                    _entries[i + FlagsAt] = 0;
                }
            }
        }

        private int Find(uint address)
        {
            // The address's bytes compared in place: this runs for every packet a pod sends.
            byte[] e = _entries;
            byte a0 = (byte)(address >> 24);
            byte a3 = (byte)address;
            int end = e.Length - StateBytes;
            for (int i = 0; i < end; i += EntryBytes)
            {
                if (e[i + AddressAt + 3] == a3 && e[i + AddressAt] == a0 && (e[i + FlagsAt] & UsedFlag) != 0 && Address(i) == address)
                {
                    return i;
                }
            }

            return -1;
        }

        private int Allocate(long now)
        {
            int soonest = 0;
            int end = State;
            for (int i = 0; i < end; i += EntryBytes)
            {
                if ((_entries[i + FlagsAt] & UsedFlag) == 0 || (int)now - Time(i + ExpiresAt) >= 0)
                {
                    SetTime(i + LastRequestAt, 0);
                    return i;
                }

                if (Time(i + ExpiresAt) - Time(soonest + ExpiresAt) < 0)
                {
                    soonest = i;
                }
            }

            Increment(State + EvictionsAt);
            SetTime(soonest + LastRequestAt, 0);
            return soonest;
        }

        // Entries are addressed by their offset in the array.
        private uint Address(int entry)
        {
            return NetworkOrder.ReadU32(_entries, entry + AddressAt);
        }

        private int Time(int at)
        {
            return (int)NetworkOrder.ReadU32(_entries, at);
        }

        private void SetTime(int at, int milliseconds)
        {
            NetworkOrder.WriteU32(_entries, at, (uint)milliseconds);
        }

        private void Increment(int at)
        {
            NetworkOrder.WriteU32(_entries, at, NetworkOrder.ReadU32(_entries, at) + 1);
        }
    }
}
