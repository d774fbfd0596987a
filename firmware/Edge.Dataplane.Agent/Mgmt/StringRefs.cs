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
    /// The few strings the board does not hold beside a held state (a sidecar's name, a probe's
    /// path: the held strings are the pods' first images, not every container's words) are kept
    /// in a list of their own, not in a slot for every string of the table (0.9 KiB on a WROOM
    /// board's worst case for two such strings).
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

        // Beside a held state, a string it does not hold: its place in _fresh, in the low bits.
        private const int Fresh = 6;
        private const int KindShift = 13;
        private const int Low = (1 << KindShift) - 1;
        private const ushort NotHeld = 0xFFFF;

        // Beside a held state, the list of strings it does not hold starts this long, and
        // doubles when full (a resync or a changed state brings a few; a new one, more).
        private const int FirstFresh = 4;

        private readonly DesiredState _held;
        private readonly ushort[] _at;

        // The strings the board does not hold: with no held state (or a table too long to number
        // them in 13 bits) at their table index (NotHeld in _at), else in the order they came
        // (Fresh in _at), _freshCount of them.
        private string[] _fresh;
        private int _freshCount;

        // Where the search for the next string's text starts in the held state (StateReuse.Position).
        private int _searchFrom;

        private StringRefs(DesiredState held, int count)
        {
            _held = held;
            _at = new ushort[count + 1];
        }

        /// <summary>
        /// The table's count, read; its strings follow, each read with <see cref="ReadAt"/> (a
        /// state in parts may carry them in several, <see cref="StateDecoder"/>). Index 0 is null.
        /// </summary>
        public static StringRefs Begin(PayloadReader r, DesiredState held)
        {
            return new StringRefs(held, r.Count(1));
        }

        /// <summary>The number of strings in the table.</summary>
        public int Count
        {
            get { return _at.Length - 1; }
        }

        /// <summary>Reads the string at table index <paramref name="i"/> (1 to Count, in order).</summary>
        public void ReadAt(PayloadReader r, int i)
        {
            string text = r.String();
            int at = Pack(_held, StateReuse.Position(_held, text, ref _searchFrom));
            if (at >= 0)
            {
                _at[i] = (ushort)at;
            }
            else if (_held == null || _at.Length > Low)
            {
                if (_fresh == null)
                {
                    _fresh = new string[_at.Length];
                }

                _fresh[i] = text;
                _at[i] = NotHeld;
            }
            else
            {
                _at[i] = (ushort)((Fresh << KindShift) | _freshCount);
                Keep(text);
            }
        }

        // A string the held state does not have, next in the list (made, or doubled, as needed).
        private void Keep(string text)
        {
            if (_fresh == null || _freshCount == _fresh.Length)
            {
                int length = _fresh == null ? FirstFresh : 2 * _fresh.Length;
                string[] longer = new string[length < _at.Length ? length : _at.Length];
                if (_fresh != null)
                {
                    System.Array.Copy(_fresh, longer, _freshCount);
                }

                _fresh = longer;
            }

            _fresh[_freshCount++] = text;
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
                case Fresh: value = _fresh[low]; break;
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
