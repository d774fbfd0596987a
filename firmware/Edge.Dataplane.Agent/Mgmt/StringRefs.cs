namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// A snapshot's string table as the board decodes it: for each string, where the state the
    /// board runs already has that text (<see cref="StateReuse.Position"/>), so the decoded
    /// state takes the board's own instance; only strings the board does not hold are kept as
    /// decoded. A position is two bytes where a table of strings would take a 12-byte slot a
    /// string on nanoFramework, and the decoded copies of names the board holds go at once:
    /// while a state in which every service changed is decoded beside the one it replaces, the
    /// table costs a WROOM board 0.1 KiB instead of 0.7 KiB, and no second copy of any name.
    /// </summary>
    internal sealed class StringRefs
    {
        // A held string's place, packed in 16 bits: what holds it in the top three, then for a
        // pod, service or ingress route its index and which of its strings (two bits), for a peer
        // or a cluster pod namespace its index. All ones: not held (the decoded string is in _fresh).
        private const int Domain = 0;
        private const int Peer = 1;
        private const int Pod = 2;
        private const int ServiceString = 3;
        private const int ClusterNamespace = 4;
        private const int RouteString = 5;
        private const int KindShift = 13;
        private const int Low = (1 << KindShift) - 1;
        private const ushort NotHeld = 0xFFFF;

        private readonly DesiredState _held;
        private readonly ushort[] _at;
        private string[] _fresh;

        private StringRefs(DesiredState held, int count)
        {
            _held = held;
            _at = new ushort[count + 1];
        }

        /// <summary>Reads the table (a count, then the strings); index 0 is null.</summary>
        public static StringRefs Read(PayloadReader r, DesiredState held)
        {
            int count = r.Count(1);
            var refs = new StringRefs(held, count);
            int cursor = 0;
            for (int i = 1; i <= count; i++)
            {
                string text = r.String();
                int at = Pack(held, StateReuse.Position(held, text, ref cursor));
                if (at < 0)
                {
                    if (refs._fresh == null)
                    {
                        refs._fresh = new string[count + 1];
                    }

                    refs._fresh[i] = text;
                }

                refs._at[i] = at < 0 ? NotHeld : (ushort)at;
            }

            return refs;
        }

        /// <summary>The string at a table index; false when the index is outside the table.</summary>
        public bool TryGet(int index, out string value)
        {
            if (index <= 0 || index >= _at.Length)
            {
                value = null;
                return index == 0;
            }

            int at = _at[index];
            int low = at & Low;
            switch (at >> KindShift)
            {
                case Domain: value = _held.ClusterDomain; break;
                case Peer: value = _held.Peers[low].Name; break;
                case Pod:
                    PodSpec p = _held.Pods[low >> 2];
                    value = (low & 3) == 0 ? p.Namespace : (low & 3) == 1 ? p.Name : (low & 3) == 2 ? p.Uid : p.Image;
                    break;
                case ServiceString:
                    Proxy.Service v = _held.Services[low >> 2];
                    value = (low & 3) == 0 ? v.Namespace : (low & 3) == 1 ? v.Name : v.PortName;
                    break;
                case ClusterNamespace: value = _held.ClusterPodNamespaces[low]; break;
                case RouteString: value = StateReuse.RouteString(_held, low >> 2, low & 3); break;
                default: value = _fresh[index]; break;
            }

            return true;
        }

        // StateReuse's position (numbered as it numbers the held strings) packed, or -1.
        private static int Pack(DesiredState h, int k)
        {
            if (k < 0)
            {
                return -1;
            }

            if (k == 0)
            {
                return Domain << KindShift;
            }

            k--;
            if (k < h.Peers.Length)
            {
                return k <= Low ? (Peer << KindShift) | k : -1;
            }

            k -= h.Peers.Length;
            if (k < 4 * h.Pods.Length)
            {
                return k <= Low ? (Pod << KindShift) | k : -1; // index << 2 | which, as numbered
            }

            k -= 4 * h.Pods.Length;
            if (k < 3 * h.Services.Length)
            {
                int packed = ((k / 3) << 2) | (k % 3);
                return packed <= Low ? (ServiceString << KindShift) | packed : -1;
            }

            k -= 3 * h.Services.Length;
            if (k < h.ClusterPodNamespaces.Length)
            {
                return k <= Low ? (ClusterNamespace << KindShift) | k : -1;
            }

            k -= h.ClusterPodNamespaces.Length;
            return k <= Low ? (RouteString << KindShift) | k : -1; // index << 2 | which, as numbered
        }
    }
}
