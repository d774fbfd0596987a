using Edge.Dataplane.Text;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Policy.Views
{
    /// <summary>
    /// Renders the policies a board enforces as an iptables-based policy engine (kube-router's
    /// layout) would program a Linux node: `ipset save` for the peers (an ipBlock's excepts as
    /// `nomatch` entries, as hash:net sets hold them), then `iptables-save`'s filter table: remembered
    /// connections and the pod's own node accepted first, then a chain per isolated pod and
    /// direction whose rules RETURN what a policy allows and DROP the rest, and a final ACCEPT.
    /// A board knows its policies by index: they appear as "policy#N", which edgectl replaces with
    /// their names. Counters are in the comments: connections each rule allowed (first packets;
    /// later ones never reach the rules) and packets dropped per policy.
    /// </summary>
    public static class PolicyView
    {
        public static string Render(PolicyEngine engine, uint gatewayAddress)
        {
            var text = new TextBuilder();
            Render(engine, gatewayAddress, text);
            return text.ToString();
        }

        public static void Render(PolicyEngine engine, uint gatewayAddress, TextBuilder text)
        {
            PolicySet set = engine != null ? engine.Set : null;
            if (set == null || set.PolicyCount == 0)
            {
                text.Line("# no network policy selects a pod on this node: nothing is filtered");
                return;
            }

            for (int r = 0; r < set.RuleCount; r++)
            {
                if ((set.FlagsOf(r) & RuleFlags.AnyPeer) == 0)
                {
                    IpSet(set, r, text);
                }
            }

            text.Line("*filter").Line(":EDGE-NWPLCY-FORWARD - [0:0]");
            ForEachIsolated(set, text, true, null);
            PolicyConnections c = engine.Connections;
            text.Append("-A EDGE-NWPLCY-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment \"remembered: ")
                .Append(c.Count.ToString()).Append(" of ").Append(c.Capacity.ToString()).Line(" connections\" -j ACCEPT");
            text.Append("-A EDGE-NWPLCY-FORWARD -s ").Append(Ipv4Address.Format(gatewayAddress)).Line("/32 -m comment --comment \"from the pod's own node\" -j ACCEPT");
            ForEachIsolated(set, text, false, null);
            text.Line("-A EDGE-NWPLCY-FORWARD -j ACCEPT");
            ForEachIsolated(set, text, false, set);
            text.Line("COMMIT");
            for (int p = 0; p < set.PolicyCount; p++)
            {
                text.Append("# policy#").Append(p.ToString()).Append(": ").Append(set.PolicyDrops[p].ToString()).Line(" packets dropped of pods it isolates");
            }
        }

        // One pass over the isolated pods (each subject once, egress then ingress): the chain
        // declarations, or the jumps from FORWARD, or (with rules) each chain's rules.
        private static void ForEachIsolated(PolicySet set, TextBuilder text, bool declare, PolicySet rules)
        {
            for (int i = 0; i < set.AddressCount; i++)
            {
                if (!IsFirstSubject(set, i))
                {
                    continue;
                }

                uint pod = set.Addresses[i];
                for (int d = 0; d < 2; d++)
                {
                    bool egress = d == 0;
                    if (!Isolates(set, pod, egress))
                    {
                        continue;
                    }

                    if (declare)
                    {
                        text.Append(":").Append(Chain(pod, egress)).Line(" - [0:0]");
                    }
                    else if (rules == null)
                    {
                        text.Append("-A EDGE-NWPLCY-FORWARD ").Append(egress ? "-s " : "-d ").Append(Ipv4Address.Format(pod)).Append("/32 -j ").Line(Chain(pod, egress));
                    }
                    else
                    {
                        PodRules(set, pod, egress, text);
                    }
                }
            }
        }

        private static void PodRules(PolicySet set, uint pod, bool egress, TextBuilder text)
        {
            byte type = egress ? PolicyTypes.Egress : PolicyTypes.Ingress;
            byte direction = egress ? RuleFlags.Egress : (byte)0;
            string chain = Chain(pod, egress);
            for (int p = 0; p < set.PolicyCount; p++)
            {
                if ((set.Types[p] & type) == 0 || !set.Selects(p, pod))
                {
                    continue;
                }

                int first = set.FirstRuleOf(p);
                int index = 0;
                for (int r = first; r < first + set.RuleCountOf(p); r++)
                {
                    byte flags = set.FlagsOf(r);
                    if ((flags & RuleFlags.Egress) != direction)
                    {
                        continue;
                    }

                    string comment = "policy#" + p.ToString() + (egress ? " egress" : " ingress") + " rule " + index.ToString() + ": " + set.RuleHits[r].ToString() + " connections";
                    index++;
                    if ((flags & RuleFlags.AnyPort) != 0)
                    {
                        RuleLine(set, r, chain, egress, comment, 0, 0, 0, 0, text);
                        continue;
                    }

                    int firstPort = set.FirstPortOf(r);
                    for (int i = firstPort; i < firstPort + set.PortCountOf(r); i++)
                    {
                        uint destination = set.PortDestinations[i];
                        if (!egress && destination != 0 && destination != pod)
                        {
                            continue; // a named port resolved for another of the policy's pods
                        }

                        RuleLine(set, r, chain, egress, comment, set.PortProtocols[i], set.PortFirst[i], set.PortLast[i], egress ? destination : 0, text);
                        comment = null; // the count once per rule
                    }
                }
            }

            text.Append("-A ").Append(chain).Append(" -m comment --comment \"").Append(Ipv4Address.Format(pod))
                .Append(egress ? " isolated for egress" : " isolated for ingress").Line(": nothing allowed it\" -j DROP");
        }

        private static void RuleLine(PolicySet set, int rule, string chain, bool egress, string comment, byte protocol, ushort first, ushort last, uint destination, TextBuilder text)
        {
            text.Append("-A ").Append(chain);
            if (destination != 0)
            {
                text.Append(" -d ").Append(Ipv4Address.Format(destination)).Append("/32");
            }

            if ((set.FlagsOf(rule) & RuleFlags.AnyPeer) == 0)
            {
                text.Append(" -m set --match-set ").Append(SetName(rule)).Append(egress ? " dst" : " src");
            }

            if (protocol != 0)
            {
                string name = protocol == IpProtocol.Tcp ? "tcp" : protocol == IpProtocol.Udp ? "udp" : protocol == 132 ? "sctp" : protocol.ToString();
                text.Append(" -p ").Append(name).Append(" -m ").Append(name).Append(" --dport ").Append(first.ToString());
                if (last != first)
                {
                    text.Append(":").Append(last.ToString());
                }
            }

            if (comment != null)
            {
                text.Append(" -m comment --comment \"").Append(comment).Append("\"");
            }

            text.Line(" -j RETURN");
        }

        private static void IpSet(PolicySet set, int rule, TextBuilder text)
        {
            string name = SetName(rule);
            text.Append("create ").Append(name).Line(" hash:net family inet");
            int first = set.FirstPeerOf(rule);
            for (int i = first; i < first + set.PeerCountOf(rule); i++)
            {
                text.Append("add ").Append(name).Append(" ").Append(Ipv4Address.Format(set.Addresses[i])).Append("/").Append((set.Prefixes[i] & 0x3F).ToString());
                text.Line((set.Prefixes[i] & PolicySet.ExceptBit) != 0 ? " nomatch" : "");
            }
        }

        private static string SetName(int rule)
        {
            return "EDGE-NWPLCY-R" + rule.ToString();
        }

        // EDGE-POD-IN-0af40105: 20 characters, inside iptables' 28 for a chain name.
        private static string Chain(uint pod, bool egress)
        {
            return (egress ? "EDGE-POD-OUT-" : "EDGE-POD-IN-") + Hex(pod);
        }

        private static string Hex(uint value)
        {
            const string digits = "0123456789abcdef";
            char[] c = new char[8];
            for (int i = 7; i >= 0; i--)
            {
                c[i] = digits[(int)(value & 0xF)];
                value >>= 4;
            }

            return new string(c);
        }

        private static bool IsFirstSubject(PolicySet set, int address)
        {
            bool subject = false;
            for (int p = 0; p < set.PolicyCount && !subject; p++)
            {
                int first = set.FirstSubjectOf(p);
                subject = address >= first && address < first + set.SubjectCountOf(p);
            }

            if (!subject)
            {
                return false;
            }

            for (int p = 0; p < set.PolicyCount; p++)
            {
                int first = set.FirstSubjectOf(p);
                for (int i = first; i < first + set.SubjectCountOf(p) && i < address; i++)
                {
                    if (set.Addresses[i] == set.Addresses[address])
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static bool Isolates(PolicySet set, uint pod, bool egress)
        {
            byte type = egress ? PolicyTypes.Egress : PolicyTypes.Ingress;
            for (int p = 0; p < set.PolicyCount; p++)
            {
                if ((set.Types[p] & type) != 0 && set.Selects(p, pod))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
