using Edge.Dataplane.Text;
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
            var text = new TextBuilder();
            Render(services, clusterNetwork, clusterPrefix, text);
            return text.ToString();
        }

        /// <summary>
        /// Writes the tables into <paramref name="text"/> section by section, as iptables-save
        /// prints them (chain declarations, then each chain's rules together): a pass over the
        /// service table per section, so a streaming builder never holds more than a line.
        /// </summary>
        public static void Render(ServiceTable services, uint clusterNetwork, int clusterPrefix, TextBuilder text)
        {
            if (AnyWithoutEndpoints(services))
            {
                text.Line("*filter").Line(":KUBE-SERVICES - [0:0]");
                Section(services, text, Reject, null);
                text.Line("COMMIT");
            }

            text.Line("*nat")
                .Line(":KUBE-SERVICES - [0:0]")
                .Line(":KUBE-NODEPORTS - [0:0]")
                .Line(":KUBE-POSTROUTING - [0:0]")
                .Line(":KUBE-MARK-MASQ - [0:0]");
            Section(services, text, Chains, null);
            bool anyNodePort = Section(services, text, ServicesChain, null);
            if (anyNodePort)
            {
                text.Line("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS");
            }

            Section(services, text, NodePorts, null);
            text.Line("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000")
                .Line("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN")
                .Line("-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000")
                .Line("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully");
            Section(services, text, Rules, Ipv4Address.FormatCidr(clusterNetwork, clusterPrefix));
            text.Line("COMMIT");
        }

        // The sections, each written for one service port in a pass over the table.
        private const int Reject = 0;
        private const int Chains = 1;
        private const int ServicesChain = 2;
        private const int NodePorts = 3;
        private const int Rules = 4;

        /// <summary>Writes one section for every proxied service port; true when some service has a node port.</summary>
        private static bool Section(ServiceTable services, TextBuilder text, int section, string cluster)
        {
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
                byte required = Required(s);
                int count = Count(s, required);
                if (count == 0)
                {
                    if (section == Reject)
                    {
                        text.Line("-A KUBE-SERVICES -m comment --comment \"" + key + " has no endpoints\" " + match + " -j REJECT --reject-with icmp-port-unreachable");
                    }

                    continue;
                }

                string svc = ChainName.Of("KUBE-SVC-", key + proto);
                anyNodePort |= s.NodePort != 0;
                if (section == ServicesChain)
                {
                    text.Line("-A KUBE-SERVICES -m comment --comment \"" + key + " cluster IP\" " + match + " -j " + svc);
                }
                else if (section == NodePorts && s.NodePort != 0)
                {
                    text.Line("-A KUBE-NODEPORTS -m comment --comment \"" + key + "\" -m " + proto + " -p " + proto + " --dport " + s.NodePort.ToString() + " -j " + svc);
                }
                else if (section == Chains)
                {
                    text.Line(":" + svc + " - [0:0]");
                    Endpoints(s, required, count, key, proto, svc, text, false);
                }
                else if (section == Rules)
                {
                    text.Line("-A " + svc + " -m comment --comment \"" + key + " cluster IP\" " + match + " ! -s " + cluster + " -j KUBE-MARK-MASQ");
                    Endpoints(s, required, count, key, proto, svc, text, true);
                }
            }

            return anyNodePort;
        }

        /// <summary>
        /// The service's KUBE-SEP chains: their declarations, or its rules choosing among them
        /// (1/n, 1/(n-1), ..., 1) followed by each endpoint chain's own rules.
        /// </summary>
        private static void Endpoints(Service s, byte required, int count, string key, string proto, string svc, TextBuilder text, bool rules)
        {
            int remaining = count;
            for (int i = 0; i < s.EndpointCount; i++)
            {
                if ((s.EndpointFlagBits[i] & required) != required)
                {
                    continue;
                }

                string endpoint = Ipv4Address.Format(s.EndpointAddresses[i]) + ":" + s.EndpointPorts[i].ToString();
                string sep = ChainName.Of("KUBE-SEP-", key + proto + endpoint);
                if (!rules)
                {
                    text.Line(":" + sep + " - [0:0]");
                    continue;
                }

                if (s.ClientIpAffinity)
                {
                    text.Line("-A " + svc + " -m comment --comment \"" + key + " -> " + endpoint + "\" -m recent --name " + sep
                        + " --rcheck --seconds " + s.AffinityTimeoutSeconds.ToString() + " --reap -j " + sep);
                }

                string statistic = remaining > 1 ? "-m statistic --mode random --probability " + Probability(remaining) + " " : "";
                text.Line("-A " + svc + " -m comment --comment \"" + key + " -> " + endpoint + "\" " + statistic + "-j " + sep);
                remaining--;
            }

            if (!rules)
            {
                return;
            }

            for (int i = 0; i < s.EndpointCount; i++)
            {
                if ((s.EndpointFlagBits[i] & required) != required)
                {
                    continue;
                }

                string endpoint = Ipv4Address.Format(s.EndpointAddresses[i]) + ":" + s.EndpointPorts[i].ToString();
                string sep = ChainName.Of("KUBE-SEP-", key + proto + endpoint);
                text.Line("-A " + sep + " -m comment --comment " + key + " -s " + Ipv4Address.Format(s.EndpointAddresses[i]) + "/32 -j KUBE-MARK-MASQ");
                text.Line("-A " + sep + " -m comment --comment " + key + " -m " + proto + " -p " + proto
                    + (s.ClientIpAffinity ? " -m recent --set --name " + sep + " --mask 255.255.255.255 --rsource" : "")
                    + " -j DNAT --to-destination " + endpoint);
            }
        }

        /// <summary>Ready endpoints, or when there are none, serving-terminating ones (kube-proxy's fallback).</summary>
        private static byte Required(Service s)
        {
            return Count(s, EndpointFlags.Ready) > 0 ? EndpointFlags.Ready : (byte)(EndpointFlags.Serving | EndpointFlags.Terminating);
        }

        private static bool AnyWithoutEndpoints(ServiceTable services)
        {
            for (int slot = 0; slot < services.Capacity; slot++)
            {
                Service s = services.At(slot);
                if (s != null && s.ClusterIp != 0 && s.Type != ServiceType.ExternalName && Count(s, Required(s)) == 0)
                {
                    return true;
                }
            }

            return false;
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
