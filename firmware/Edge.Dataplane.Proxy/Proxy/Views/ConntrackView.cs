using Edge.Dataplane.Text;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Proxy.Views
{
    /// <summary>
    /// Renders the connection table the way `conntrack -L` (conntrack-tools) prints Linux's (packets and bytes
    /// only with accounting on, as nf_conntrack_acct): protocol, number, seconds left, state, the original tuple, the reply
    /// tuple, and flags. The difference between the two tuples is the NAT.
    /// </summary>
    public static class ConntrackView
    {
        public static string Render(Conntrack c, long now)
        {
            var text = new TextBuilder();
            Render(c, now, text);
            return text.ToString();
        }

        public static void Render(Conntrack c, long now, TextBuilder text)
        {
            int shown = 0;
            for (int i = 0; i < c.Capacity; i++)
            {
                if (!c.IsUsed(i) || c.Expired(i, now))
                {
                    continue;
                }

                byte protocol = c.Protocol[i];
                string name = protocol == IpProtocol.Tcp ? "tcp" : protocol == IpProtocol.Udp ? "udp" : "icmp";
                int seconds = (c.Remaining(i, now) + 999) / 1000;
                text.Pad(name, 8).Append(" ").Append(protocol.ToString()).Append(" ").Append(seconds.ToString()).Append(" ");
                if (protocol == IpProtocol.Tcp)
                {
                    text.Append(ConntrackState.Name(c.StateOf(i))).Append(" ");
                }

                Tuple(text, protocol, c.OriginalSource[i], c.OriginalDestinationOf(i), c.OriginalSourcePort[i], c.OriginalDestinationPortOf(i), true);
                if (c.Accounting)
                {
                    text.Append("packets=" + c.PacketsOriginal[i].ToString() + " bytes=" + c.BytesOriginal[i].ToString() + " ");
                }

                if (!c.HasReply(i))
                {
                    text.Append("[UNREPLIED] ");
                }

                Tuple(text, protocol, c.ReplySource[i], c.ReplyDestinationOf(i), c.ReplySourcePort[i], c.ReplyDestinationPort[i], false);
                if (c.Accounting)
                {
                    text.Append("packets=" + c.PacketsReply[i].ToString() + " bytes=" + c.BytesReply[i].ToString() + " ");
                }

                if (c.IsAssured(i))
                {
                    text.Append("[ASSURED] ");
                }

                text.Line("mark=0 use=1");
                shown++;
            }

            text.Append("conntrack v1.4.7 (conntrack-tools): ").Append(shown.ToString())
                .Line(" flow entries have been shown.");
        }

        private static void Tuple(TextBuilder text, byte protocol, uint source, uint destination, ushort sourcePort, ushort destinationPort, bool original)
        {
            text.Append("src=" + Ipv4Address.Format(source) + " dst=" + Ipv4Address.Format(destination) + " ");
            if (protocol == IpProtocol.Icmp)
            {
                text.Append(original ? "type=8 code=0 id=" : "type=0 code=0 id=").Append(sourcePort.ToString()).Append(" ");
            }
            else
            {
                text.Append("sport=" + sourcePort.ToString() + " dport=" + destinationPort.ToString() + " ");
            }
        }
    }
}
