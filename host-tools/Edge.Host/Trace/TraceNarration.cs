using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.Host.Flows;

namespace Edge.Host.Trace;

/// <summary>A hop in words: the point of the node it passed (cni0, kube-proxy and routing, vxlan) and what was decided there.</summary>
public sealed record HopWords(string Point, IReadOnlyList<string> Decisions, bool Dropped);

/// <summary>
/// Says what each hop of a trace means, in the words a workshop uses: the bridge's ports by the
/// pods on them, kube-proxy's DNAT with the endpoint picked and of how many, the policy that
/// allowed or denied, the VXLAN peer by node name, a drop with its reason and what usually
/// causes it. The same words for `edgectl trace` and the lab view.
/// </summary>
public static class TraceNarration
{
    public static HopWords Describe(TraceHop hop, IReadOnlyDictionary<string, string> names)
    {
        var decisions = new List<string>();
        var tuple = hop.Tuple;
        string Name(string? address) => address == null ? "?" : names.TryGetValue(address, out string? n) ? $"{n} ({address})" : address;
        string Peer(uint address) => Name(Ipv4Address.Format(address));
        switch (hop.Step)
        {
            case PacketTrace.Bridged:
                // A port's pod by its MAC (Edge's pods' MACs carry their address, as Docker's do): the
                // addresses may already be translated (br_netfilter un-DNATs a reply on the bridge).
                decisions.Add($"in on port {hop.A} ({(hop.A == 0 ? "the node's gateway" : $"{Name(MacAddress(hop.Frame, 6) ?? tuple?.Source)}'s eth0")})"
                    + (hop.B == 0xFFFFFFFF ? ", flooded to every port (destination MAC not learned yet)"
                        : hop.B == hop.A ? ", not forwarded: its destination was learned on the port it came from"
                        : hop.B == 0 ? ", out on port 0 to the gateway (the destination is not on this bridge's link)"
                        : $", out on port {hop.B}: delivered to {Name(MacAddress(hop.Frame, 0) ?? tuple?.Destination)}'s eth0"));
                decisions.AddRange(Events(hop, names));
                return new HopWords("cni0", decisions, false);
            case PacketTrace.Routed:
                decisions.AddRange(Events(hop, names));
                if (hop.Where != PacketTrace.FromNode && !hop.Events.Any(e => e.Kind is "service" or "reply"))
                {
                    decisions.Insert(0, hop.Verdict switch
                    {
                        HookVerdict.Translated => "kube-proxy: an established connection, translated by its conntrack entry",
                        HookVerdict.Reject => "kube-proxy: REJECT, the Service has no ready endpoint",
                        _ => "kube-proxy: no Service matched; not translated",
                    });
                }

                decisions.Add(hop.Where switch
                {
                    PacketTrace.ToPod => $"routed onto cni0 to {Name(tuple?.Destination)}, a pod of this node",
                    PacketTrace.ToPeer => $"routed to {Peer(hop.B)}, which holds {tuple?.Destination}'s pod CIDR, over VXLAN",
                    PacketTrace.ToNode => $"for the node itself ({Name(tuple?.Destination)})",
                    PacketTrace.ToEgress => $"outside the cluster: handed to the board's egress relay, which opens its own connection to {tuple?.Destination}",
                    PacketTrace.Rejected => "answered with ICMP port unreachable from the Service's address",
                    PacketTrace.FromNode => $"sent by the node itself{(hop.B != 0 ? $", to {Peer(hop.B)} over VXLAN" : "")}",
                    _ => "routed",
                });
                return new HopWords(hop.Where == PacketTrace.FromNode ? "node" : "kube-proxy, routing", decisions, false);
            case PacketTrace.Encapsulated:
                decisions.Add($"encapsulated in VXLAN (VNI {hop.B}) to {Peer(hop.A)}, over UDP");
                return new HopWords("vxlan", decisions, false);
            case PacketTrace.Decapsulated:
                decisions.Add($"decapsulated: VXLAN (VNI {hop.B}) from {Peer(hop.A)}");
                return new HopWords("vxlan", decisions, false);
            case PacketTrace.Dropped:
                string reason = DropReason.Name((int)hop.A);
                decisions.Add($"DROPPED: {reason}{(Why(reason) is { } why ? $" ({why})" : "")}");
                decisions.AddRange(Events(hop, names));
                return new HopWords("drop", decisions, true);
            default:
                decisions.Add($"step {hop.Step}");
                return new HopWords("?", decisions, false);
        }
    }

    // The address in a pod's or gateway's MAC (02:42 and the IPv4 address, NodeConfig.PodMacFor) at offset; null for another MAC.
    private static string? MacAddress(byte[] frame, int offset) =>
        frame.Length >= offset + 6 && frame[offset] == 0x02 && frame[offset + 1] == 0x42
            ? $"{frame[offset + 2]}.{frame[offset + 3]}.{frame[offset + 4]}.{frame[offset + 5]}" : null;

    /// <summary>
    /// The hop's frame decoded by the wire layer, a layer a line (as `edgectl decode` prints them).
    /// A board keeps a frame's first <see cref="PacketTrace.HeaderBytes"/>: a longer packet's headers
    /// are decoded from them, its checksums taken as the board found them, and the cut is said.
    /// </summary>
    public static IReadOnlyList<string> Headers(TraceHop hop)
    {
        byte[] f = hop.Frame;
        var lines = new List<string>();
        var ethernet = new EthernetRepr();
        if (ethernet.Parse(f, 0, f.Length) != WireError.None)
        {
            return ["(too short for an Ethernet header)"];
        }

        if (hop.Step is PacketTrace.Bridged or PacketTrace.Encapsulated or PacketTrace.Decapsulated)
        {
            lines.Add(ethernet.ToString()); // where the MACs are this point's (a routed hop's are written on the way out)
        }

        int ip = EthernetFrame.HeaderLength;
        if (ethernet.EtherType != EtherType.Ipv4 || f.Length < ip + Ipv4Packet.MinimumHeaderLength)
        {
            return lines;
        }

        int total = (f[ip + 2] << 8) | f[ip + 3];
        bool cut = ip + total > f.Length;
        byte[] whole = f;
        if (cut)
        {
            whole = new byte[ip + total];
            f.CopyTo(whole, 0);
        }

        var ipv4 = new Ipv4Repr();
        WireError error = ipv4.Parse(whole, ip, total);
        if (error != WireError.None)
        {
            lines.Add($"IPv4: {WireErrors.Name(error)}");
            return lines;
        }

        lines.Add(ipv4.ToString());
        int l4 = ipv4.PayloadOffset, length = ipv4.PayloadLength;
        object? upper = ipv4.Protocol switch
        {
            IpProtocol.Icmp when new IcmpRepr() is var icmp && icmp.Parse(whole, l4, length, cut) == WireError.None => icmp,
            IpProtocol.Udp when new UdpRepr() is var udp && udp.Parse(whole, l4, length, ipv4.Source, ipv4.Destination, cut) == WireError.None => udp,
            IpProtocol.Tcp when new TcpRepr() is var tcp && tcp.Parse(whole, l4, length, ipv4.Source, ipv4.Destination, cut) == WireError.None => tcp,
            _ => null,
        };
        if (upper != null)
        {
            lines.Add(upper.ToString()!);
        }

        if (cut)
        {
            lines.Add($"(the board kept the first {f.Length} bytes of the {ip + total}: the payload's rest is not shown)");
        }

        return lines;
    }

    private static IEnumerable<string> Events(TraceHop hop, IReadOnlyDictionary<string, string> names)
    {
        string End(FlowEnd? end) => end == null ? "-" : names.TryGetValue(end.Address, out string? n) ? $"{n}:{end.Port}" : end.ToString();
        foreach (FlowEvent e in hop.Events)
        {
            yield return e.Kind switch
            {
                "service" => $"kube-proxy: DNAT to {End(e.TranslatedTo)} for service {e.Service}: {Pick(e.Pick)}; a conntrack entry made"
                    + (e.Snat ? "; masqueraded: the source becomes the node's address, so the reply comes back through it" : ""),
                "reply" => $"kube-proxy: un-DNAT, the answer comes from {End(e.TranslatedTo)} as the client called it{(e.Snat ? "; un-SNAT back to the client" : "")}",
                "allowed" => e.Policy == null ? $"network policy: no policy isolates it ({e.Direction})" : $"network policy: allowed by {e.Policy}{(e.Rule is int r ? $" rule {r}" : "")} ({e.Direction})",
                "denied" => $"network policy: denied by {e.Policy ?? "isolation"} ({e.Direction}): no rule allows it",
                "dropped" => $"dropped: {e.Reason}",
                _ => e.Kind,
            };
        }
    }

    // "2/3": the second of three endpoints; "affinity/3": session affinity chose.
    private static string Pick(string? pick)
    {
        string[] parts = (pick ?? "").Split('/');
        return parts.Length != 2 ? "endpoint picked" : parts[0] == "affinity"
            ? $"the endpoint its client used before (sessionAffinity: ClientIP; {parts[1]} ready)"
            : $"endpoint {parts[0]} of {parts[1]} picked";
    }

    private static string? Why(string reason) => reason switch
    {
        "no-endpoint" => "the Service has no ready endpoint: edgectl get endpoints",
        "policy-denied" => "a NetworkPolicy isolates the pod and no rule allows this: edgectl get networkpolicy",
        "no-route" => "no node holds that address's pod CIDR",
        "egress-denied" => "pods may not reach outside the cluster on this lab (egress is off)",
        "ttl-expired" => "the packet went round too many hops",
        "no-socket" => "nothing listens on that port",
        "arp-unresolved" => "no pod answered ARP for that address",
        _ => null,
    };
}
