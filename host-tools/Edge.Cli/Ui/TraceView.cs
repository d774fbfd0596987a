using System.Text.Json.Nodes;
using Edge.Cli.Commands.Trace;
using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.Host.Trace;

namespace Edge.Cli.Ui;

/// <summary>
/// A trace as the lab view replays it (the answer to <c>POST /ui/v1/traces</c>): the API's
/// <see cref="TraceResult"/> in the words `edgectl trace` prints (<see cref="TraceNarration"/>,
/// <see cref="TracePrinter.Verdict"/>), so the page only shows them, and for each hop where on
/// the map it happened:
/// <list type="bullet">
/// <item>number (request first, then reply, then hops no path led to), direction, node, step,
/// point, decisions, headers, dropped: as the terminal prints them;</item>
/// <item>marks: the map's parts the hop touched, as the page keys them: <c>pod:NS/NAME</c>,
/// <c>svc:NS/NAME</c>, a board's <c>bridge:NODE</c> (cni0), <c>proxy:NODE</c> (kube-proxy and
/// routing) and <c>vxlan:NODE</c>, and <c>overlay:A~B</c> the VXLAN link between two boards (either order);</item>
/// <item>at: the one of them where the packet is drawn; arc: for a hop into or out of VXLAN, the
/// link it crossed from one board to the other, and how far along it (0 at the sender, 1 at the receiver).</item>
/// </list>
/// </summary>
public static class TraceView
{
    public const string Kind = "TraceView";

    public static JsonObject Build(TraceResult trace)
    {
        var hops = new JsonArray();
        int number = 0;
        foreach ((string direction, IReadOnlyList<TraceHop> list) in new[] { ("request", trace.Request), ("reply", trace.Reply), ("unplaced", trace.Unplaced) })
        {
            foreach (TraceHop hop in list)
            {
                hops.Add(Hop(++number, direction, hop, trace.Names));
            }
        }

        bool dropped = trace.Request.Concat(trace.Reply).Any(h => h.Step == PacketTrace.Dropped);
        return new JsonObject
        {
            ["kind"] = Kind,
            ["from"] = trace.From,
            ["to"] = trace.To,
            ["protocol"] = trace.Protocol,
            ["mark"] = trace.Mark,
            ["complete"] = trace.Complete,
            ["outcome"] = dropped ? "dropped" : trace.Complete ? "delivered" : "incomplete",
            ["verdict"] = TracePrinter.Verdict(trace),
            ["requestHops"] = trace.Request.Count,
            ["replyHops"] = trace.Reply.Count,
            ["hops"] = hops,
            ["notes"] = new JsonArray([.. trace.Notes.Select(n => (JsonNode)n)]),
        };
    }

    private static JsonObject Hop(int number, string direction, TraceHop hop, IReadOnlyDictionary<string, string> names)
    {
        HopWords words = TraceNarration.Describe(hop, names);
        (string at, List<string> marks, JsonObject? arc) = Place(hop, names);
        return new JsonObject
        {
            ["number"] = number,
            ["direction"] = direction,
            ["node"] = hop.Node,
            ["step"] = hop.StepName,
            ["point"] = words.Point,
            ["decisions"] = new JsonArray([.. words.Decisions.Select(d => (JsonNode)d)]),
            ["headers"] = new JsonArray([.. TraceNarration.Headers(hop).Select(h => (JsonNode)h)]),
            ["dropped"] = words.Dropped,
            ["at"] = at,
            ["marks"] = new JsonArray([.. marks.Distinct().Select(m => (JsonNode)m)]),
            ["arc"] = arc,
        };
    }

    /// <summary>Where on the map a hop happened: the part the packet is drawn at, every part it touched, and the VXLAN link it crossed.</summary>
    public static (string At, List<string> Marks, JsonObject? Arc) Place(TraceHop hop, IReadOnlyDictionary<string, string> names)
    {
        string node = hop.Node;
        var marks = new List<string>();
        string at;
        JsonObject? arc = null;
        var tuple = hop.Tuple;
        switch (hop.Step)
        {
            case PacketTrace.Bridged:
                // Port 0 is the gateway; a pod's port is known by the pod's MAC (its address in it), else the header's address.
                string? from = hop.A != 0 ? PodKey(PodMacAddress(hop.Frame, 6) ?? tuple?.Source, names) : null;
                string? to = hop.B is not 0 and not 0xFFFFFFFF && hop.B != hop.A ? PodKey(PodMacAddress(hop.Frame, 0) ?? tuple?.Destination, names) : null;
                if (from != null)
                {
                    marks.Add(from);
                }

                marks.Add("bridge:" + node);
                if (to != null)
                {
                    marks.Add(to);
                }

                at = to ?? "bridge:" + node;
                break;
            case PacketTrace.Encapsulated:
            case PacketTrace.Decapsulated:
                string? peer = NodeName(Ipv4Address.Format(hop.A), names);
                bool outward = hop.Step == PacketTrace.Encapsulated;
                marks.Add("vxlan:" + node);
                if (peer != null)
                {
                    (string sender, string receiver) = outward ? (node, peer) : (peer, node);
                    marks.Insert(outward ? 1 : 0, $"overlay:{sender}~{receiver}");
                    arc = new JsonObject { ["from"] = sender, ["to"] = receiver, ["along"] = outward ? 0.3 : 0.7 };
                }

                at = "vxlan:" + node;
                break;
            default: // routed, dropped: the gateway's routing and kube-proxy
                marks.Add("proxy:" + node);
                at = "proxy:" + node;
                break;
        }

        // kube-proxy's translations name the Service: the address called (a pick), the address answered as (an un-DNAT).
        foreach (var e in hop.Events)
        {
            string? service = e.Kind switch
            {
                "service" => ServiceKey(e.Destination?.Address, names),
                "reply" => ServiceKey(e.TranslatedTo?.Address, names),
                _ => null,
            };
            if (service != null)
            {
                marks.Add(service);
            }
        }

        return (at, marks, arc);
    }

    // Names as the API gives them: "NS/NAME" a pod, "svc/NS/NAME" a Service, "node/NAME" a node (or its gateway).
    private static string? PodKey(string? address, IReadOnlyDictionary<string, string> names) =>
        address != null && names.TryGetValue(address, out string? name) && !name.StartsWith("svc/", StringComparison.Ordinal) && !name.StartsWith("node/", StringComparison.Ordinal)
            ? "pod:" + name : null;

    private static string? ServiceKey(string? address, IReadOnlyDictionary<string, string> names) =>
        address != null && names.TryGetValue(address, out string? name) && name.StartsWith("svc/", StringComparison.Ordinal) ? "svc:" + name[4..] : null;

    private static string? NodeName(string address, IReadOnlyDictionary<string, string> names) =>
        names.TryGetValue(address, out string? name) && name.StartsWith("node/", StringComparison.Ordinal) ? name[5..] : null;

    // The address in a pod's or gateway's MAC (02:42 and the IPv4 address, as Docker's are) at offset; null for another MAC.
    private static string? PodMacAddress(byte[] frame, int offset) =>
        frame.Length >= offset + 6 && frame[offset] == 0x02 && frame[offset + 1] == 0x42
            ? $"{frame[offset + 2]}.{frame[offset + 3]}.{frame[offset + 4]}.{frame[offset + 5]}" : null;
}
