using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// What a board boots as, from the settings it keeps and what it knows without them: the node
    /// name (provisioned, or the one it would take from its MAC), the profile and memory class
    /// (provisioned, or the class it falls back to), and how it gets its address. The firmware
    /// and a virtual board boot from the same plan, so a provisioned board is the same node on both.
    /// </summary>
    public sealed class BootPlan
    {
        public string Name;

        /// <summary>The provisioned profile, or null.</summary>
        public BoardProfile Profile;

        /// <summary>The memory class whose capacities the node runs with (<see cref="MemoryClass"/>), 0 to keep the node's defaults.</summary>
        public int MemoryClass;

        public BoardSettings Settings;

        public static BootPlan From(BoardSettings settings, string fallbackName, int fallbackMemoryClass)
        {
            var plan = new BootPlan();
            plan.Settings = settings;
            plan.Name = settings.Name.Length > 0 ? settings.Name : fallbackName;
            plan.Profile = settings.Profile.Length > 0 ? BoardProfiles.Find(settings.Profile) : null;
            plan.MemoryClass = plan.Profile != null ? plan.Profile.MemoryClass : fallbackMemoryClass;
            return plan;
        }

        /// <summary>
        /// The board's side of the management line's authentication, from the cluster key it
        /// keeps, or null when it has none (it then takes no control plane on the network). The
        /// boot is counted in flash first: the session nonces mix the count in, so a board whose
        /// random source starts the same after every reset still never repeats a nonce.
        /// </summary>
        public Trust.SessionAuth StartTrust(Platform.IStorage storage)
        {
            if (Settings.Key == null)
            {
                return null;
            }

            Settings.Boots++;
            if (storage != null)
            {
                Settings.Save(storage);
            }

            var trust = new Trust.SessionAuth(Trust.SessionAuth.Board, Settings.Key, 0);
            trust.Boot = Settings.Boots;
            return trust;
        }

        /// <summary>The name of a board never provisioned: "node-" and its MAC's last two bytes, unique on a lab switch and printed on the board's label.</summary>
        public static string NameFromMac(byte[] mac)
        {
            const string hex = "0123456789abcdef";
            if (mac == null || mac.Length < 2)
            {
                return "node-0000";
            }

            byte a = mac[mac.Length - 2];
            byte b = mac[mac.Length - 1];
            return "node-" + hex[a >> 4] + hex[a & 15] + hex[b >> 4] + hex[b & 15];
        }

        /// <summary>The console's boot line: "node-1 on wt32-eth01 (wroom capacities), static 192.168.50.11/24 via 192.168.50.1".</summary>
        public string Describe()
        {
            string board = Profile != null ? " on " + Profile.Id : " (no board profile provisioned)";
            string capacities = MemoryClass > 0 ? " (" + Boards.MemoryClass.Name(MemoryClass) + " capacities)" : "";
            return Name + board + capacities + ", " + Settings.DescribeAddressing();
        }

        /// <summary>The subnet mask of a static address, as nanoFramework's IPConfiguration wants it ("255.255.255.0").</summary>
        public string SubnetMask()
        {
            return Ipv4Address.Format(Ipv4Address.MaskOf(Settings.PrefixLength));
        }
    }
}
