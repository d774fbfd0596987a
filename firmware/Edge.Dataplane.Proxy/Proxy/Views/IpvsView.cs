using Edge.Dataplane.Text;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Proxy.Views
{
    /// <summary>
    /// Renders the service table as `ipvsadm -Ln` shows kube-proxy's IPVS mode: a virtual
    /// server per service port with the rr scheduler, a real server per endpoint, and the
    /// active (established) and inactive connection counts from conntrack.
    /// </summary>
    public static class IpvsView
    {
        public static string Render(ServiceTable services, Conntrack conntrack, long now)
        {
            var text = new TextBuilder();
            Render(services, conntrack, now, text);
            return text.ToString();
        }

        public static void Render(ServiceTable services, Conntrack conntrack, long now, TextBuilder text)
        {
            text.Line("IP Virtual Server version 1.2.1 (size=" + conntrack.Capacity.ToString() + ")")
                .Line("Prot LocalAddress:Port Scheduler Flags")
                .Line("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn");
            for (int slot = 0; slot < services.Capacity; slot++)
            {
                Service s = services.At(slot);
                if (s == null || s.ClusterIp == 0 || s.Type == ServiceType.ExternalName)
                {
                    continue;
                }

                text.Pad(IptablesView.ProtocolName(s.Protocol).ToUpper(), 5)
                    .Append(Ipv4Address.Format(s.ClusterIp) + ":" + s.Port.ToString() + " rr")
                    .Line(s.ClientIpAffinity ? " persistent " + s.AffinityTimeoutSeconds.ToString() : "");
                for (int i = 0; i < s.EndpointCount; i++)
                {
                    if ((s.EndpointFlagBits[i] & EndpointFlags.Serving) == 0)
                    {
                        continue;
                    }

                    // The endpoint's flows: those of the service whose replies come from it.
                    int active = 0, inactive = 0;
                    uint address = s.EndpointAddresses[i];
                    ushort port = s.EndpointPorts[i];
                    for (int e = 0; e < conntrack.Capacity; e++)
                    {
                        if (conntrack.IsUsed(e) && conntrack.ServiceSlot[e] == s.Slot && conntrack.ReplySource[e] == address && conntrack.ReplySourcePort[e] == port)
                        {
                            if (conntrack.StateOf(e) == ConntrackState.Established)
                            {
                                active++;
                            }
                            else
                            {
                                inactive++;
                            }
                        }
                    }

                    // A terminating endpoint gets weight 0: existing connections only.
                    bool ready = (s.EndpointFlagBits[i] & EndpointFlags.Ready) != 0;
                    text.Append("  -> ").Pad(Ipv4Address.Format(s.EndpointAddresses[i]) + ":" + s.EndpointPorts[i].ToString(), 28)
                        .Pad("Masq", 8).Pad(ready ? "1" : "0", 7).Pad(active.ToString(), 11).Line(inactive.ToString());
                }
            }

        }
    }
}
