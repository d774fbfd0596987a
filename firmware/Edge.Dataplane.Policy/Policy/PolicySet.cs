using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Policy
{
    /// <summary>
    /// The NetworkPolicies one board enforces, as the host compiled them for that board: only
    /// policies that select a pod on the board, with every selector already resolved to
    /// addresses and every named port to numbers (so the board matches numbers, never labels).
    ///
    /// A policy is a name, its types (Ingress, Egress), the addresses of the local pods it
    /// selects (its subjects) and a run of rules; a rule is a direction, a run of peer blocks
    /// (address/prefix, each include followed by its excepts, as ipBlock's cidr and except) and
    /// a run of port ranges (protocol, first..last, and the destination a named port was
    /// resolved for, 0 for any). Filled once per state by <see cref="AddPolicy"/>,
    /// <see cref="AddSubject"/>, <see cref="AddRule"/>, <see cref="AddPeer"/> and <see cref="AddPort"/>,
    /// in that nesting, up to the capacities it was made with; what does not fit is refused
    /// (the Add returns false) and <see cref="Overflow"/> names the limit.
    ///
    /// Few arrays, no object per rule: on nanoFramework every array and every field is a heap
    /// block of its own, so a policy's four run bounds share one array, as do a rule's, and
    /// subjects share the address array with peer blocks (a subject is a /32 block).
    /// </summary>
    public sealed class PolicySet
    {
        /// <summary>
        /// The policies' names ("namespace/name") where the set was compiled; null on a board,
        /// which names its policies by index (the host holds the names: on a small board sixteen
        /// names were 0.7 KiB).
        /// </summary>
        public readonly string[] Names;
        public readonly byte[] Types;

        /// <summary>Per policy: first rule, rule count, first subject, subject count.</summary>
        private readonly ushort[] _policyRuns;

        /// <summary>Per rule: first peer block, their count, first port range, their count.</summary>
        private readonly ushort[] _ruleRuns;
        private readonly byte[] _ruleFlags;

        /// <summary>First packets of connections each rule allowed (iptables' per-rule packet counter).</summary>
        public readonly uint[] RuleHits;

        /// <summary>Packets dropped because of each policy isolating their pod with no rule allowing them.</summary>
        public readonly uint[] PolicyDrops;

        /// <summary>Subjects and peer blocks: the network, and its prefix length with <see cref="ExceptBit"/> for an except of the include before it.</summary>
        public readonly uint[] Addresses;
        public readonly byte[] Prefixes;

        // Port ranges.
        public readonly byte[] PortProtocols;
        public readonly ushort[] PortFirst;
        public readonly ushort[] PortLast;
        public readonly uint[] PortDestinations;

        public int PolicyCount;
        public int RuleCount;
        public int AddressCount;
        public int PortCount;

        /// <summary>What did not fit, e.g. "policy rules (64)"; null while everything fitted.</summary>
        public string Overflow;

        public const byte ExceptBit = 0x80;

        /// <param name="addresses">Subjects and peer blocks together.</param>
        public PolicySet(int policies, int rules, int addresses, int ports)
            : this(policies, rules, addresses, ports, true)
        {
        }

        /// <param name="named">Keep the policies' names (the host does; a board does not).</param>
        public PolicySet(int policies, int rules, int addresses, int ports, bool named)
        {
            Names = named ? new string[policies] : null;
            Types = new byte[policies];
            _policyRuns = new ushort[policies * 4];
            PolicyDrops = new uint[policies];
            _ruleRuns = new ushort[rules * 4];
            _ruleFlags = new byte[rules];
            RuleHits = new uint[rules];
            Addresses = new uint[addresses];
            Prefixes = new byte[addresses];
            PortProtocols = new byte[ports];
            PortFirst = new ushort[ports];
            PortLast = new ushort[ports];
            PortDestinations = new uint[ports];
        }

        public int PolicyCapacity
        {
            get { return Types.Length; }
        }

        public int RuleCapacity
        {
            get { return _ruleFlags.Length; }
        }

        public int AddressCapacity
        {
            get { return Addresses.Length; }
        }

        public int PortCapacity
        {
            get { return PortProtocols.Length; }
        }

        /// <summary>Starts a policy ("namespace/name"; not kept unless the set is named) of <paramref name="types"/> (<see cref="PolicyTypes"/>); its subjects, rules, peers and ports follow.</summary>
        public bool AddPolicy(string name, byte types)
        {
            if (PolicyCount == Types.Length)
            {
                return Full("policies", Types.Length);
            }

            int p = PolicyCount++;
            if (Names != null)
            {
                Names[p] = name;
            }

            Types[p] = types;
            int at = p * 4;
            _policyRuns[at] = (ushort)RuleCount;
            _policyRuns[at + 1] = 0;
            _policyRuns[at + 2] = (ushort)AddressCount;
            _policyRuns[at + 3] = 0;
            PolicyDrops[p] = 0;
            return true;
        }

        /// <summary>A local pod the current policy selects; subjects come before the policy's rules.</summary>
        public bool AddSubject(uint address)
        {
            if (PolicyCount == 0 || _policyRuns[(PolicyCount - 1) * 4 + 1] != 0)
            {
                return false; // no policy yet, or its rules have begun
            }

            if (!AddAddress(address, 32))
            {
                return false;
            }

            _policyRuns[(PolicyCount - 1) * 4 + 3]++;
            return true;
        }

        /// <summary>Starts a rule of the current policy: <see cref="RuleFlags"/> say its direction and whether it takes any peer or any port.</summary>
        public bool AddRule(byte flags)
        {
            if (PolicyCount == 0)
            {
                return false;
            }

            if (RuleCount == _ruleFlags.Length)
            {
                return Full("policy rules", _ruleFlags.Length);
            }

            int r = RuleCount++;
            _ruleFlags[r] = flags;
            int at = r * 4;
            _ruleRuns[at] = (ushort)AddressCount;
            _ruleRuns[at + 1] = 0;
            _ruleRuns[at + 2] = (ushort)PortCount;
            _ruleRuns[at + 3] = 0;
            RuleHits[r] = 0;
            _policyRuns[(PolicyCount - 1) * 4 + 1]++;
            return true;
        }

        /// <summary>A peer block of the current rule: an include, or (<paramref name="except"/>) an exception to the include before it.</summary>
        public bool AddPeer(uint network, int prefixLength, bool except)
        {
            if (RuleCount == 0 || (except && _ruleRuns[(RuleCount - 1) * 4 + 1] == 0))
            {
                return false; // no rule yet, or an except with no include before it
            }

            int prefix = prefixLength < 0 ? 0 : prefixLength > 32 ? 32 : prefixLength;
            if (!AddAddress(network & Ipv4Address.MaskOf(prefix), (byte)(prefix | (except ? ExceptBit : 0))))
            {
                return false;
            }

            _ruleRuns[(RuleCount - 1) * 4 + 1]++;
            return true;
        }

        private bool AddAddress(uint address, byte prefix)
        {
            if (AddressCount == Addresses.Length)
            {
                return Full("policy addresses", Addresses.Length);
            }

            Addresses[AddressCount] = address;
            Prefixes[AddressCount] = prefix;
            AddressCount++;
            return true;
        }

        /// <summary>
        /// A port range of the current rule for <paramref name="protocol"/> (an IP protocol
        /// number); <paramref name="destination"/> non-zero when a named port was resolved for
        /// that destination pod only.
        /// </summary>
        public bool AddPort(byte protocol, ushort first, ushort last, uint destination)
        {
            if (RuleCount == 0 || first > last)
            {
                return false;
            }

            if (PortCount == PortProtocols.Length)
            {
                return Full("policy ports", PortProtocols.Length);
            }

            int i = PortCount++;
            PortProtocols[i] = protocol;
            PortFirst[i] = first;
            PortLast[i] = last;
            PortDestinations[i] = destination;
            _ruleRuns[(RuleCount - 1) * 4 + 3]++;
            return true;
        }

        private bool Full(string what, int capacity)
        {
            if (Overflow == null)
            {
                Overflow = what + " (" + capacity.ToString() + ")";
            }

            return false;
        }

        public int FirstRuleOf(int policy)
        {
            return _policyRuns[policy * 4];
        }

        public int RuleCountOf(int policy)
        {
            return _policyRuns[policy * 4 + 1];
        }

        public int FirstSubjectOf(int policy)
        {
            return _policyRuns[policy * 4 + 2];
        }

        public int SubjectCountOf(int policy)
        {
            return _policyRuns[policy * 4 + 3];
        }

        public byte FlagsOf(int rule)
        {
            return _ruleFlags[rule];
        }

        public int FirstPeerOf(int rule)
        {
            return _ruleRuns[rule * 4];
        }

        public int PeerCountOf(int rule)
        {
            return _ruleRuns[rule * 4 + 1];
        }

        public int FirstPortOf(int rule)
        {
            return _ruleRuns[rule * 4 + 2];
        }

        public int PortCountOf(int rule)
        {
            return _ruleRuns[rule * 4 + 3];
        }

        /// <summary>Whether the policy selects the local pod at <paramref name="address"/>.</summary>
        public bool Selects(int policy, uint address)
        {
            int first = FirstSubjectOf(policy);
            int end = first + SubjectCountOf(policy);
            for (int i = first; i < end; i++)
            {
                if (Addresses[i] == address)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
