using Edge.Dataplane.Net;
using Edge.Dataplane.Text;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Proxy.Views
{
    /// <summary>
    /// The board's flow events after a sequence number, a line each, for the control plane to
    /// read and show (`edgectl flows`): first "flows WRITTEN OLDEST CAPACITY NOW" (so a reader knows
    /// what the ring let go, and the board's clock to date the events by), then per event "SEQ MS KIND PROTO SRC:PORT DST:PORT" and what the
    /// kind says: "dnat EP:PORT service NS/NAME:PORT pick N/M" (or "pick affinity/M"),
    /// "type T rcode R answers N answer ADDR name NAME" (a DNS answer; "-" for a name a newer one's slot took),
    /// "undnat VIP:PORT [snat]", "policy policy#P rule R ingress|egress" (P and R "-" for none; the control plane
    /// names the policy, as in the policy view),
    /// "reason NAME". Words, not a table: the control plane names policies and prints.
    /// </summary>
    public static class FlowView
    {
        public static void Render(FlowLog flows, ServiceTable services, long since, long now, TextBuilder text)
        {
            text.Line("flows " + flows.Written.ToString() + " " + flows.Oldest.ToString() + " " + flows.Capacity.ToString() + " " + ((uint)now).ToString());
            var e = new uint[FlowLog.Words];
            long first = since + 1 > flows.Oldest ? since + 1 : flows.Oldest;
            for (long seq = first; seq <= flows.Written; seq++)
            {
                if (!flows.Read(seq, e))
                {
                    continue;
                }

                Event(seq, e, services, (int)(e[1] >> 24) == FlowLog.DnsAnswered ? flows.Name(seq, e) : null, text);
            }
        }

        /// <summary>One event's line ("SEQ MS KIND PROTO SRC DST" and what the kind says), as the view writes it; the packet tracer writes a hop's events so too.</summary>
        public static void Event(long seq, uint[] e, ServiceTable services, string name, TextBuilder text)
        {
            int kind = (int)(e[1] >> 24);
            int protocol = (int)((e[1] >> 16) & 0xFF);
            int detail = (int)(e[1] & 0xFFFF);
            text.Append(seq.ToString()).Append(" ").Append(e[0].ToString()).Append(" ").Append(KindName(kind)).Append(" ")
                .Append(protocol == IpProtocol.Tcp ? "TCP" : protocol == IpProtocol.Udp ? "UDP" : protocol == IpProtocol.Icmp ? "ICMP" : protocol == 0 ? "-" : protocol.ToString())
                .Append(" ").Append(End(e[2], e[4] >> 16)).Append(" ").Append(End(e[3], e[4] & 0xFFFF));
            switch (kind)
            {
                case FlowLog.ServicePick:
                    Service service = services.At(detail & ~FlowLog.Masqueraded);
                    int position = (int)((e[6] >> 8) & 0xFF);
                    text.Append(" dnat ").Append(End(e[5], e[6] >> 16)).Append(" service ")
                        .Append(service == null ? "-" : service.Namespace + "/" + service.Name + ":" + (service.PortName.Length > 0 ? service.PortName : service.Port.ToString()))
                        .Append(" pick ").Append(position == 0xFF ? "affinity" : (position + 1).ToString()).Append("/").Append((e[6] & 0xFF).ToString())
                        .Append((detail & FlowLog.Masqueraded) != 0 ? " snat" : "");
                    break;
                case FlowLog.ReplyTranslated:
                    text.Append(" undnat ").Append(End(e[5], e[6] >> 16)).Append((e[6] & 1) != 0 ? " snat" : "");
                    break;
                case FlowLog.PolicyAllowed:
                case FlowLog.PolicyDenied:
                    int rule = (int)(e[6] & 0x7FFF);
                    text.Append(" policy ").Append(detail == 0xFFFF ? "-" : "policy#" + detail.ToString())
                        .Append(" rule ").Append(rule == 0x7FFF ? "-" : rule.ToString())
                        .Append((e[6] & 0x8000) != 0 ? " ingress" : " egress");
                    break;
                case FlowLog.Dropped:
                    text.Append(" reason ").Append(DropReason.Name(detail));
                    break;
                case FlowLog.DnsAnswered:
                    text.Append(" type ").Append((e[6] >> 16).ToString()).Append(" rcode ").Append(((e[6] >> 8) & 0x0F).ToString())
                        .Append(" answers ").Append((e[6] & 0xFF).ToString()).Append(" answer ").Append(e[5] == 0 ? "-" : Ipv4Address.Format(e[5]))
                        .Append(" name ").Append(name == null || name.Length == 0 ? "-" : name);
                    break;
            }

            text.Line("");
        }

        private static string KindName(int kind)
        {
            switch (kind)
            {
                case FlowLog.ServicePick: return "service";
                case FlowLog.ReplyTranslated: return "reply";
                case FlowLog.PolicyAllowed: return "allowed";
                case FlowLog.PolicyDenied: return "denied";
                case FlowLog.Dropped: return "dropped";
                case FlowLog.DnsAnswered: return "dns";
                default: return "unknown";
            }
        }

        private static string End(uint address, uint port)
        {
            return address == 0 ? "-" : Ipv4Address.Format(address) + ":" + port.ToString();
        }
    }
}
