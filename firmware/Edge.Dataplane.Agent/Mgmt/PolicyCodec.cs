using Edge.Dataplane.Policy;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// The policy section of a state: the totals first (so the board makes the set at its size
    /// in one go; all zero for no policy), then each policy (its types, not its name: a board
    /// names policies by index, the host knows them) with its subjects and rules, each
    /// rule with its peer blocks and port ranges. Decoding fills the set through its Add methods,
    /// so a payload whose parts do not add up to its totals is refused. Addresses travel as
    /// varints of their XOR with the cluster's pod network, so a pod's takes two bytes instead of
    /// four (a WROOM board takes frames of 2.5 KB; a port's destination 0, any, stays 0: no pod
    /// has the cluster network's own address).
    /// </summary>
    public static class PolicyCodec
    {
        /// <param name="set">The policies; null for none.</param>
        public static void Encode(PolicySet set, uint clusterNetwork, PayloadWriter w)
        {
            if (set == null)
            {
                w.Int(0);
                w.Int(0);
                w.Int(0);
                w.Int(0);
                return;
            }

            w.Int(set.PolicyCount);
            w.Int(set.RuleCount);
            w.Int(set.AddressCount);
            w.Int(set.PortCount);
            for (int p = 0; p < set.PolicyCount; p++)
            {
                w.Byte(set.Types[p]);
                int firstSubject = set.FirstSubjectOf(p);
                w.Int(set.SubjectCountOf(p));
                for (int s = firstSubject; s < firstSubject + set.SubjectCountOf(p); s++)
                {
                    w.Varint(set.Addresses[s] ^ clusterNetwork);
                }

                int firstRule = set.FirstRuleOf(p);
                w.Int(set.RuleCountOf(p));
                for (int r = firstRule; r < firstRule + set.RuleCountOf(p); r++)
                {
                    w.Byte(set.FlagsOf(r));
                    int firstPeer = set.FirstPeerOf(r);
                    w.Int(set.PeerCountOf(r));
                    for (int i = firstPeer; i < firstPeer + set.PeerCountOf(r); i++)
                    {
                        w.Varint(set.Addresses[i] ^ clusterNetwork);
                        w.Byte(set.Prefixes[i]);
                    }

                    int firstPort = set.FirstPortOf(r);
                    w.Int(set.PortCountOf(r));
                    for (int i = firstPort; i < firstPort + set.PortCountOf(r); i++)
                    {
                        w.Byte(set.PortProtocols[i]);
                        w.Int(set.PortFirst[i]);
                        w.Int(set.PortLast[i] - set.PortFirst[i]);
                        w.Varint(set.PortDestinations[i] == 0 ? 0 : set.PortDestinations[i] ^ clusterNetwork);
                    }
                }
            }
        }


        /// <summary>
        /// The set; null for no policy, or (with <paramref name="r"/> failed) when the section is
        /// damaged. When the section brings exactly the policies of <paramref name="held"/> (the
        /// set the board enforces), that set is returned and no copy is made: a resync then costs
        /// a small board no second set, and the rules' counters go on.
        /// </summary>
        public static PolicySet Decode(PayloadReader r, uint clusterNetwork, PolicySet held)
        {
            int start = r.Position;
            if (held != null && Holds(held, r, clusterNetwork) && !r.Failed)
            {
                return held;
            }

            r.Position = start;
            r.Failed = false;
            return Decode(r, clusterNetwork);
        }

        // Reads the section comparing it to the set, stopping at the first difference.
        private static bool Holds(PolicySet set, PayloadReader r, uint clusterNetwork)
        {
            if (r.Int() != set.PolicyCount || r.Int() != set.RuleCount || r.Int() != set.AddressCount || r.Int() != set.PortCount)
            {
                return false;
            }

            for (int p = 0; p < set.PolicyCount; p++)
            {
                if (r.Byte() != set.Types[p] || r.Int() != set.SubjectCountOf(p))
                {
                    return false;
                }

                int firstSubject = set.FirstSubjectOf(p);
                for (int s = firstSubject; s < firstSubject + set.SubjectCountOf(p); s++)
                {
                    if ((r.Varint() ^ clusterNetwork) != set.Addresses[s])
                    {
                        return false;
                    }
                }

                if (r.Int() != set.RuleCountOf(p))
                {
                    return false;
                }

                int firstRule = set.FirstRuleOf(p);
                for (int rule = firstRule; rule < firstRule + set.RuleCountOf(p); rule++)
                {
                    if (r.Byte() != set.FlagsOf(rule) || r.Int() != set.PeerCountOf(rule))
                    {
                        return false;
                    }

                    int firstPeer = set.FirstPeerOf(rule);
                    for (int i = firstPeer; i < firstPeer + set.PeerCountOf(rule); i++)
                    {
                        if ((r.Varint() ^ clusterNetwork) != set.Addresses[i] || r.Byte() != set.Prefixes[i])
                        {
                            return false;
                        }
                    }

                    if (r.Int() != set.PortCountOf(rule))
                    {
                        return false;
                    }

                    int firstPort = set.FirstPortOf(rule);
                    for (int i = firstPort; i < firstPort + set.PortCountOf(rule); i++)
                    {
                        uint destination = set.PortDestinations[i];
                        if (r.Byte() != set.PortProtocols[i] || r.Int() != set.PortFirst[i] || r.Int() != set.PortLast[i] - set.PortFirst[i]
                            || r.Varint() != (destination == 0 ? 0 : destination ^ clusterNetwork))
                        {
                            return false;
                        }
                    }
                }
            }

            return true;
        }

        private static PolicySet Decode(PayloadReader r, uint clusterNetwork)
        {
            // Totals, each bounded by the bytes left for the smallest encoding of one.
            int policies = r.Count(4);
            int rules = r.Count(3);
            int addresses = r.Count(1);
            int ports = r.Count(4);
            if (r.Failed)
            {
                return null;
            }

            if (policies == 0 && rules == 0 && addresses == 0 && ports == 0)
            {
                return null;
            }

            var set = new PolicySet(policies, rules, addresses, ports, false);
            for (int p = 0; p < policies && !r.Failed; p++)
            {
                if (!set.AddPolicy(null, (byte)r.Byte()))
                {
                    r.Failed = true;
                    break;
                }

                int n = r.Count(1);
                for (int s = 0; s < n && !r.Failed; s++)
                {
                    r.Failed |= !set.AddSubject(r.Varint() ^ clusterNetwork);
                }

                int ruleCount = r.Count(3);
                for (int i = 0; i < ruleCount && !r.Failed; i++)
                {
                    r.Failed |= !set.AddRule((byte)r.Byte());
                    int peerCount = r.Count(2);
                    for (int e = 0; e < peerCount && !r.Failed; e++)
                    {
                        uint network = r.Varint() ^ clusterNetwork;
                        int prefix = r.Byte();
                        r.Failed |= (prefix & 0x7F) > 32 || !set.AddPeer(network, prefix & 0x3F, (prefix & PolicySet.ExceptBit) != 0);
                    }

                    int portCount = r.Count(4);
                    for (int e = 0; e < portCount && !r.Failed; e++)
                    {
                        byte protocol = (byte)r.Byte();
                        int first = r.Int();
                        int last = first + r.Int();
                        uint sent = r.Varint();
                        uint destination = sent == 0 ? 0 : sent ^ clusterNetwork;
                        r.Failed |= first < 0 || last > 65535 || first > last || !set.AddPort(protocol, (ushort)first, (ushort)last, destination);
                    }
                }
            }

            if (!r.Failed && (set.PolicyCount != policies || set.RuleCount != rules || set.AddressCount != addresses || set.PortCount != ports))
            {
                r.Failed = true; // the totals promised more than the parts held
            }

            return r.Failed ? null : set;
        }
    }
}
