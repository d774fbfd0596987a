using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Policy
{
    /// <summary>
    /// The NetworkPolicy rules of the Kubernetes documentation ("Network Policies"), over a
    /// compiled <see cref="PolicySet"/>, for one direction of one pod:
    /// - a pod is isolated for ingress (egress) only when a policy selecting it has Ingress
    ///   (Egress) in its policyTypes; a pod no policy isolates takes (sends) anything;
    /// - an isolated pod takes (sends) what at least one rule of at least one of those policies
    ///   allows: policies add up, their order never matters;
    /// - a rule allows a peer when its `from`/`to` is empty or one of its peers holds (each
    ///   peer's selectors already resolved to addresses; an ipBlock's cidr but its excepts),
    ///   and a port when its `ports` is empty or one of them holds (a named port only on the
    ///   destination pod it was resolved for).
    /// The engine asks twice per new connection: the source's egress and the destination's ingress.
    /// </summary>
    public static class PolicyEvaluator
    {
        /// <param name="egress">Ask for the subject's egress (it sends to the peer); else its ingress (it takes from the peer).</param>
        /// <param name="subject">The local pod the question is about.</param>
        /// <param name="peer">The other end.</param>
        /// <param name="port">The destination port (TCP, UDP); ignored for other protocols.</param>
        public static bool Allows(PolicySet set, bool egress, uint subject, uint peer, byte protocol, ushort port, PolicyDecision decision)
        {
            decision.Reset();
            byte type = egress ? PolicyTypes.Egress : PolicyTypes.Ingress;
            byte direction = egress ? RuleFlags.Egress : (byte)0;
            uint destination = egress ? peer : subject;
            for (int p = 0; p < set.PolicyCount; p++)
            {
                if ((set.Types[p] & type) == 0 || !set.Selects(p, subject))
                {
                    continue;
                }

                if (!decision.Isolated)
                {
                    decision.Isolated = true;
                    decision.Policy = p;
                }

                int first = set.FirstRuleOf(p);
                int end = first + set.RuleCountOf(p);
                for (int r = first; r < end; r++)
                {
                    byte flags = set.FlagsOf(r);
                    if ((flags & RuleFlags.Egress) == direction
                        && ((flags & RuleFlags.AnyPeer) != 0 || PeerMatches(set, r, peer))
                        && ((flags & RuleFlags.AnyPort) != 0 || PortMatches(set, r, protocol, port, destination)))
                    {
                        decision.Policy = p;
                        decision.Rule = r;
                        return true;
                    }
                }
            }

            return !decision.Isolated;
        }

        /// <summary>An include block holding the address, with none of its excepts holding it.</summary>
        public static bool PeerMatches(PolicySet set, int rule, uint address)
        {
            int first = set.FirstPeerOf(rule);
            int end = first + set.PeerCountOf(rule);
            uint[] networks = set.Addresses;
            byte[] prefixes = set.Prefixes;
            int i = first;
            while (i < end)
            {
                // An include, then its excepts.
                bool inside = Ipv4Address.InPrefix(address, networks[i], prefixes[i] & 0x3F);
                int j = i + 1;
                while (j < end && (prefixes[j] & PolicySet.ExceptBit) != 0)
                {
                    if (inside && Ipv4Address.InPrefix(address, networks[j], prefixes[j] & 0x3F))
                    {
                        inside = false;
                    }

                    j++;
                }

                if (inside)
                {
                    return true;
                }

                i = j;
            }

            return false;
        }

        /// <summary>A port entry of the protocol whose range holds the port, resolved for any destination or this one.</summary>
        public static bool PortMatches(PolicySet set, int rule, byte protocol, ushort port, uint destination)
        {
            int first = set.FirstPortOf(rule);
            int end = first + set.PortCountOf(rule);
            for (int i = first; i < end; i++)
            {
                if (set.PortProtocols[i] == protocol && port >= set.PortFirst[i] && port <= set.PortLast[i]
                    && (set.PortDestinations[i] == 0 || set.PortDestinations[i] == destination))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
