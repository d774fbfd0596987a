using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// What an instructor provisions onto a board and the board keeps in flash across reboots:
    /// which board it is (its profile: memory class, console and LED pins), its node name, and
    /// how it gets its address (DHCP, or a static IPv4 address with gateway and DNS server).
    /// Empty fields mean "the default": no profile runs with the smallest class's capacities, no
    /// name takes one from the MAC address.
    /// </summary>
    public sealed class BoardSettings
    {
        /// <summary>Where boards before the two slots kept their one record (read when neither slot holds settings).</summary>
        public const string StorageKey = "edge-settings";

        /// <summary>
        /// The two slots a record is written to in turn: the older one (or a damaged one) is
        /// overwritten, so a power cut at any byte of a write leaves the other slot's settings,
        /// and the slot with the higher sequence number wins when both are whole.
        /// </summary>
        public const string SlotKey0 = "edge-settings.0";
        public const string SlotKey1 = "edge-settings.1";

        // A slot's record: CRC-32 of what follows it, a sequence number, the payload's length,
        // then the payload; bytes after it (an older, longer record's tail) are not read.
        private const int SlotHeaderBytes = 4 + 4 + 2;

        /// <summary>The record's own format, first byte after the CRC: a newer record is left alone, never misread.</summary>
        public const int FormatVersion = 1;

        /// <summary>A board profile id (<see cref="BoardProfiles"/>), or "" for none.</summary>
        public string Profile = "";

        /// <summary>The node name, or "" for one from the MAC address.</summary>
        public string Name = "";

        /// <summary>False: DHCP. True: <see cref="Address"/>/<see cref="PrefixLength"/> via <see cref="Gateway"/>.</summary>
        public bool Static;

        public uint Address;
        public int PrefixLength;
        public uint Gateway;

        /// <summary>The DNS server the board forwards to (0: the gateway).</summary>
        public uint Dns;

        /// <summary>The cluster whose control plane the board obeys (its name, for messages), or "" for none.</summary>
        public string Cluster = "";

        /// <summary>The cluster's key (32 bytes, Trust.SessionAuth), or null: the board then takes no control plane on TCP until provisioned over USB.</summary>
        public byte[] Key;

        /// <summary>
        /// The board's boot count, mixed into its session nonces: one more at every boot with a key,
        /// starting from a number the host picks at random when it gives the key, so a board
        /// given the same key again (its flash erased, provisioned anew) does not count through
        /// the same nonces as before.
        /// </summary>
        public uint Boots;

        /// <summary>The largest a record gets: three names of at most 63 characters, the key and the numbers.</summary>
        public const int MaxRecordBytes = 4 + 1 + 64 + 64 + 16 + 8 + 64 + 1 + Trust.SessionAuth.KeyLength + 5;

        /// <summary>Null when the settings can be applied, else what is wrong in words an instructor can act on.</summary>
        public string Validate()
        {
            if (Profile.Length > 0 && BoardProfiles.Find(Profile) == null)
            {
                return "no board profile \"" + Profile + "\" (edgectl board list shows them)";
            }

            if (Cluster.Length > 0 && !IsDnsLabel(Cluster))
            {
                return "cluster name \"" + Cluster + "\" must be a DNS label: lower-case letters, digits and '-'";
            }

            if (Key != null && Key.Length != Trust.SessionAuth.KeyLength)
            {
                return "a cluster key is " + Trust.SessionAuth.KeyLength.ToString() + " bytes";
            }

            if (Name.Length > 0 && !IsDnsLabel(Name))
            {
                return "node name \"" + Name + "\" must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";
            }

            if (!Static)
            {
                return null;
            }

            if (PrefixLength < 8 || PrefixLength > 30)
            {
                return "a static address needs a prefix length from 8 to 30 (192.168.50.11/24)";
            }

            uint mask = Ipv4Address.MaskOf(PrefixLength);
            if (Address == 0 || (Address & ~mask) == 0 || (Address & ~mask) == ~mask || Ipv4Address.IsMulticast(Address) || Ipv4Address.IsLoopback(Address))
            {
                return Ipv4Address.Format(Address) + "/" + PrefixLength.ToString() + " is not a host address";
            }

            if (Gateway == 0)
            {
                return "a static address needs a gateway on its subnet (the lab router's address, e.g. --gateway 192.168.50.1)";
            }

            if ((Gateway & mask) != (Address & mask) || Gateway == Address)
            {
                return "gateway " + Ipv4Address.Format(Gateway) + " is not another host on " + Ipv4Address.FormatCidr(Address & mask, PrefixLength);
            }

            return null;
        }

        /// <summary>How the board gets its address, as `edgectl board provision` prints it.</summary>
        public string DescribeAddressing()
        {
            if (!Static)
            {
                return "DHCP";
            }

            string text = "static " + Ipv4Address.Format(Address) + "/" + PrefixLength.ToString() + " via " + Ipv4Address.Format(Gateway);

            if (Dns != 0)
            {
                text += ", DNS " + Ipv4Address.Format(Dns);
            }

            return text;
        }

        /// <summary>The record as kept in flash, and as the host sends it to provision a board (over the console only: the key travels in it).</summary>
        public void Write(PayloadWriter w)
        {
            Write(w, true);
        }

        /// <summary>
        /// The record; <paramref name="withKey"/> false leaves the key out (a board answering
        /// what it keeps never sends its key, only whether it has one).
        /// </summary>
        public void Write(PayloadWriter w, bool withKey)
        {
            w.Int(FormatVersion);
            w.String(Profile);
            w.String(Name);
            w.Bool(Static);
            w.Address(Address);
            w.Int(PrefixLength);
            w.Address(Gateway);
            w.Address(Dns);

            // Added after the first boards shipped: a record without them reads as no cluster.
            w.String(Cluster);
            bool key = withKey && Key != null;
            w.Bool(key);
            if (key)
            {
                w.Raw(Key, 0, Trust.SessionAuth.KeyLength);
            }

            w.Varint(Boots);
        }

        /// <summary>The settings, or null when the payload is damaged or of a newer format.</summary>
        public static BoardSettings Read(PayloadReader r)
        {
            if (r.Int() != FormatVersion)
            {
                return null;
            }

            var s = new BoardSettings();
            s.Profile = r.String() ?? "";
            s.Name = r.String() ?? "";
            s.Static = r.Bool();
            s.Address = r.Address();
            s.PrefixLength = r.Int();
            s.Gateway = r.Address();
            s.Dns = r.Address();
            if (!r.AtEnd)
            {
                s.Cluster = r.String() ?? "";
                if (r.Bool())
                {
                    s.Key = new byte[Trust.SessionAuth.KeyLength];
                    r.Raw(s.Key, 0, s.Key.Length);
                }

                s.Boots = r.Varint();
            }

            return r.Failed ? null : s;
        }

        /// <summary>
        /// The settings kept in <paramref name="storage"/>: the newer whole slot; defaults when
        /// there are none, and defaults with <paramref name="problem"/> set when what is kept is
        /// damaged or of a newer format (a board always boots; the console says what it found).
        /// A slot cut by a power loss while the other is whole is no problem: that is what the
        /// other slot is for.
        /// </summary>
        public static BoardSettings Load(IStorage storage, out string problem)
        {
            problem = null;
            if (storage == null)
            {
                return new BoardSettings();
            }

            uint sequence;
            byte[] record0 = storage.Read(SlotKey0);
            byte[] record1 = storage.Read(SlotKey1);
            int newest = Newest(record0, record1, out sequence);
            if (newest >= 0)
            {
                BoardSettings kept = Parse(newest == 0 ? record0 : record1, SlotHeaderBytes, SlotPayloadLength(newest == 0 ? record0 : record1));
                if (kept != null)
                {
                    return kept;
                }

                problem = "the stored settings are of another format; running with the defaults until provisioned again";
                return new BoardSettings();
            }

            // No whole slot: a board from before the slots (whose first write to a slot may
            // have been cut) still has its one record.
            byte[] single = storage.Read(StorageKey);
            if (single != null || (record0 == null && record1 == null))
            {
                return LoadSingleRecord(single, out problem);
            }

            int damaged = record0 != null ? record0.Length : record1.Length;
            problem = "the stored settings are damaged (" + damaged.ToString() + " bytes); running with the defaults until provisioned again";
            return new BoardSettings();
        }

        // Boards provisioned before the slots: one record, its CRC first.
        private static BoardSettings LoadSingleRecord(byte[] record, out string problem)
        {
            problem = null;
            if (record == null)
            {
                return new BoardSettings();
            }

            if (record.Length < 5 || Crc32.Compute(record, 4, record.Length - 4) != NetworkOrder.ReadU32(record, 0))
            {
                problem = "the stored settings are damaged (" + record.Length.ToString() + " bytes); running with the defaults until provisioned again";
                return new BoardSettings();
            }

            BoardSettings s = Parse(record, 4, record.Length - 4);
            if (s == null)
            {
                problem = "the stored settings are of another format; running with the defaults until provisioned again";
                return new BoardSettings();
            }

            return s;
        }

        private static BoardSettings Parse(byte[] record, int offset, int length)
        {
            var r = new PayloadReader();
            r.Begin(record, offset, length);
            return Read(r);
        }

        /// <summary>Keeps the settings in the slot that does not hold the newest whole record, one sequence number past it.</summary>
        public bool Save(IStorage storage)
        {
            byte[] record = new byte[SlotHeaderBytes + MaxRecordBytes];
            var w = new PayloadWriter();
            w.Begin(record, SlotHeaderBytes, record.Length);
            Write(w);
            if (w.Overflow)
            {
                return false;
            }

            uint sequence;
            int newest = Newest(storage.Read(SlotKey0), storage.Read(SlotKey1), out sequence);
            NetworkOrder.WriteU32(record, 4, newest < 0 ? 1 : sequence + 1);
            NetworkOrder.WriteU16(record, 8, (ushort)w.Length);
            int length = SlotHeaderBytes + w.Length;
            NetworkOrder.WriteU32(record, 0, Crc32.Compute(record, 4, length - 4));
            return storage.Write(newest == 0 ? SlotKey1 : SlotKey0, record, 0, length);
        }

        /// <summary>
        /// Keeps the settings in both slots, one after the other: nothing of the record before
        /// (a forgotten or replaced cluster key) stays in the older slot. A power cut during the
        /// second write still leaves the first whole.
        /// </summary>
        public bool SaveInBothSlots(IStorage storage)
        {
            return Save(storage) && Save(storage);
        }

        // Which slot holds the newer whole record (0 or 1), or -1 when neither does; its sequence number.
        private static int Newest(byte[] record0, byte[] record1, out uint sequence)
        {
            bool whole0 = Whole(record0);
            bool whole1 = Whole(record1);
            uint sequence0 = whole0 ? NetworkOrder.ReadU32(record0, 4) : 0;
            uint sequence1 = whole1 ? NetworkOrder.ReadU32(record1, 4) : 0;
            // Serial number arithmetic (RFC 1982): the later of two sequence numbers, across a wrap.
            int newest = whole0 && (!whole1 || (int)(sequence0 - sequence1) > 0) ? 0 : whole1 ? 1 : -1;
            sequence = newest == 0 ? sequence0 : sequence1;
            return newest;
        }

        private static bool Whole(byte[] record)
        {
            if (record == null || record.Length < SlotHeaderBytes)
            {
                return false;
            }

            int length = SlotHeaderBytes + SlotPayloadLength(record);
            return length <= record.Length && Crc32.Compute(record, 4, length - 4) == NetworkOrder.ReadU32(record, 0);
        }

        private static int SlotPayloadLength(byte[] record)
        {
            return NetworkOrder.ReadU16(record, 8);
        }

        private static bool IsDnsLabel(string name)
        {
            if (name.Length > 63)
            {
                return false;
            }

            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                if (!alnum && (c != '-' || i == 0 || i == name.Length - 1))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
