using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Proxy.Views
{
    /// <summary>
    /// Renders the live service table as the `iptables-save -t nat` (and filter) output that
    /// kube-proxy in iptables mode would program on a Linux node for the same services: one
    /// KUBE-SVC chain per service port jumping to a KUBE-SEP chain per endpoint with the
    /// statistic-module probabilities 1/n, 1/(n-1), ..., 1 that make the choice uniform.
    /// What Edge does in a hash table, shown the way attendees will meet it on Linux.
    /// </summary>
    public static class IptablesView
    {
        public static string Render(ServiceTable services, uint clusterNetwork, int clusterPrefix)
        {
            // iptables-save prints chain declarations, then each chain's rules together.
            var chains = new TextBuilder();
            var servicesChain = new TextBuilder();
            var nodePorts = new TextBuilder();
            var rules = new TextBuilder();
            var filter = new TextBuilder();
            string cluster = Ipv4Address.FormatCidr(clusterNetwork, clusterPrefix);
            chains.Line("*nat")
                .Line(":KUBE-SERVICES - [0:0]")
                .Line(":KUBE-NODEPORTS - [0:0]")
                .Line(":KUBE-POSTROUTING - [0:0]")
                .Line(":KUBE-MARK-MASQ - [0:0]");

            bool anyNodePort = false;
            for (int slot = 0; slot < services.Capacity; slot++)
            {
                Service s = services.At(slot);
                if (s == null || s.ClusterIp == 0 || s.Type == ServiceType.ExternalName)
                {
                    continue;
                }

                string key = s.PortKey;
                string proto = ProtocolName(s.Protocol);
                string match = "-m " + proto + " -p " + proto + " -d " + Ipv4Address.Format(s.ClusterIp) + "/32 --dport " + s.Port.ToString();
                byte required = EndpointFlags.Ready;
                int count = Count(s, required);
                if (count == 0)
                {
                    required = EndpointFlags.Serving | EndpointFlags.Terminating;
                    count = Count(s, required);
                }

                if (count == 0)
                {
                    filter.Line("-A KUBE-SERVICES -m comment --comment \"" + key + " has no endpoints\" " + match + " -j REJECT --reject-with icmp-port-unreachable");
                    continue;
                }

                string svc = ChainName.Of("KUBE-SVC-", key + proto);
                chains.Line(":" + svc + " - [0:0]");
                servicesChain.Line("-A KUBE-SERVICES -m comment --comment \"" + key + " cluster IP\" " + match + " -j " + svc);
                if (s.NodePort != 0)
                {
                    anyNodePort = true;
                    nodePorts.Line("-A KUBE-NODEPORTS -m comment --comment \"" + key + "\" -m " + proto + " -p " + proto + " --dport " + s.NodePort.ToString() + " -j " + svc);
                }

                rules.Line("-A " + svc + " -m comment --comment \"" + key + " cluster IP\" " + match + " ! -s " + cluster + " -j KUBE-MARK-MASQ");
                var endpoints = new TextBuilder();
                int remaining = count;
                for (int i = 0; i < s.EndpointCount; i++)
                {
                    if ((s.EndpointFlagBits[i] & required) != required)
                    {
                        continue;
                    }

                    string endpoint = Ipv4Address.Format(s.EndpointAddresses[i]) + ":" + s.EndpointPorts[i].ToString();
                    string sep = ChainName.Of("KUBE-SEP-", key + proto + endpoint);
                    chains.Line(":" + sep + " - [0:0]");
                    if (s.ClientIpAffinity)
                    {
                        rules.Line("-A " + svc + " -m comment --comment \"" + key + " -> " + endpoint + "\" -m recent --name " + sep
                            + " --rcheck --seconds " + s.AffinityTimeoutSeconds.ToString() + " --reap -j " + sep);
                    }

                    string statistic = remaining > 1 ? "-m statistic --mode random --probability " + Probability(remaining) + " " : "";
                    rules.Line("-A " + svc + " -m comment --comment \"" + key + " -> " + endpoint + "\" " + statistic + "-j " + sep);
                    endpoints.Line("-A " + sep + " -m comment --comment " + key + " -s " + Ipv4Address.Format(s.EndpointAddresses[i]) + "/32 -j KUBE-MARK-MASQ");
                    endpoints.Line("-A " + sep + " -m comment --comment " + key + " -m " + proto + " -p " + proto
                        + (s.ClientIpAffinity ? " -m recent --set --name " + sep + " --mask 255.255.255.255 --rsource" : "")
                        + " -j DNAT --to-destination " + endpoint);
                    remaining--;
                }

                rules.Append(endpoints.ToString());
            }

            if (anyNodePort)
            {
                servicesChain.Line("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS");
            }

            var fixedChains = new TextBuilder();
            fixedChains.Line("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000")
                .Line("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN")
                .Line("-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000")
                .Line("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully");

            var all = new TextBuilder();
            if (filter.Length > 0)
            {
                all.Line("*filter").Line(":KUBE-SERVICES - [0:0]").Append(filter.ToString()).Line("COMMIT");
            }

            return all.Append(chains.ToString()).Append(servicesChain.ToString()).Append(nodePorts.ToString())
                .Append(fixedChains.ToString()).Append(rules.ToString()).Line("COMMIT").ToString();
        }

        /// <summary>1/n with ten decimals, as kube-proxy prints it ("0.3333333333").</summary>
        public static string Probability(int n)
        {
            long tenBillionths = (10000000000L + n / 2) / n;
            string digits = tenBillionths.ToString();
            if (digits.Length > 10)
            {
                return "1.0000000000";
            }

            return "0." + new string('0', 10 - digits.Length) + digits;
        }

        internal static string ProtocolName(byte protocol)
        {
            return protocol == IpProtocol.Udp ? "udp" : protocol == IpProtocol.Tcp ? "tcp" : "sctp";
        }

        private static int Count(Service s, byte required)
        {
            int n = 0;
            for (int i = 0; i < s.EndpointCount; i++)
            {
                if ((s.EndpointFlagBits[i] & required) == required)
                {
                    n++;
                }
            }

            return n;
        }
    }
}
