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
        /// <summary>The key the record is kept under (IStorage).</summary>
        public const string StorageKey = "edge-settings";

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

        /// <summary>The largest a record gets: two names of at most 63 characters and the numbers.</summary>
        public const int MaxRecordBytes = 4 + 1 + 64 + 64 + 16 + 8;

        /// <summary>Null when the settings can be applied, else what is wrong in words an instructor can act on.</summary>
        public string Validate()
        {
            if (Profile.Length > 0 && BoardProfiles.Find(Profile) == null)
            {
                return "no board profile \"" + Profile + "\" (edgectl board list shows them)";
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

        public void Write(PayloadWriter w)
        {
            w.Int(FormatVersion);
            w.String(Profile);
            w.String(Name);
            w.Bool(Static);
            w.Address(Address);
            w.Int(PrefixLength);
            w.Address(Gateway);
            w.Address(Dns);
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
            return r.Failed ? null : s;
        }

        /// <summary>
        /// The settings kept in <paramref name="storage"/>: defaults when there are none, and
        /// defaults with <paramref name="problem"/> set when the record is damaged (a board
        /// always boots; the console says what it found).
        /// </summary>
        public static BoardSettings Load(IStorage storage, out string problem)
        {
            problem = null;
            byte[] record = storage == null ? null : storage.Read(StorageKey);
            if (record == null)
            {
                return new BoardSettings();
            }

            if (record.Length < 5 || Crc32.Compute(record, 4, record.Length - 4) != NetworkOrder.ReadU32(record, 0))
            {
                problem = "the stored settings are damaged (" + record.Length.ToString() + " bytes); running with the defaults until provisioned again";
                return new BoardSettings();
            }

            var r = new PayloadReader();
            r.Begin(record, 4, record.Length - 4);
            BoardSettings s = Read(r);
            if (s == null)
            {
                problem = "the stored settings are of another format; running with the defaults until provisioned again";
                return new BoardSettings();
            }

            return s;
        }

        /// <summary>Keeps the settings (CRC first, so a half-written record reads as damaged, never as other settings).</summary>
        public bool Save(IStorage storage)
        {
            byte[] record = new byte[MaxRecordBytes];
            var w = new PayloadWriter();
            w.Begin(record, 4, record.Length);
            Write(w);
            if (w.Overflow)
            {
                return false;
            }

            int length = 4 + w.Length;
            NetworkOrder.WriteU32(record, 0, Crc32.Compute(record, 4, w.Length));
            return storage.Write(StorageKey, record, 0, length);
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
