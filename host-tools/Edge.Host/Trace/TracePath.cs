using Edge.Dataplane.Net;

namespace Edge.Host.Trace;

/// <summary>
/// The hops every board recorded, put in the order the packet met them: the request from the
/// board it started on, on to the board each VXLAN hop went to, then its reply from the board
/// the request reached. Boards' clocks are not compared (they are not one clock): each board's
/// hops are in the order it recorded them, and an encapsulation names the next board.
/// </summary>
public sealed record TracePath(IReadOnlyList<TraceHop> Request, IReadOnlyList<TraceHop> Reply, IReadOnlyList<TraceHop> Unplaced)
{
    /// <summary>Whether the request's way has ended (delivered, refused, dropped).</summary>
    public bool RequestEnded => Request.Count > 0 && Request[^1].Ends;

    /// <summary>Whether the reply's way has ended.</summary>
    public bool ReplyEnded => Reply.Count > 0 && Reply[^1].Ends;

    /// <summary>
    /// Whether there is nothing more to wait for: the request ended, and its reply too, unless the
    /// request was dropped with no answer coming (a drop not refused with an ICMP error).
    /// </summary>
    public bool Complete => RequestEnded && (ReplyEnded || (Request[^1].Step == PacketTrace.Dropped && Reply.Count == 0
        && !Request.Any(h => h.Step == PacketTrace.Routed && h.Where == PacketTrace.Rejected)));

    /// <param name="batches">Each board's hops, by node name.</param>
    /// <param name="source">The node the packet started on.</param>
    /// <param name="nodeAt">The node whose board has an overlay address, or null.</param>
    public static TracePath Order(IReadOnlyDictionary<string, TraceBatch> batches, string source, Func<uint, string?> nodeAt)
    {
        var taken = new HashSet<TraceHop>(ReferenceEqualityComparer.Instance);
        List<TraceHop> request = Chain(batches, source, reply: false, nodeAt, taken);
        string replyStart = request.Count > 0 ? request[^1].Node : source;
        List<TraceHop> reply = Chain(batches, replyStart, reply: true, nodeAt, taken);
        if (reply.Count == 0)
        {
            // An answer may start where the request did not end its record (a board's answer to a
            // packet it refused): from the first board holding reply hops.
            string? other = batches.Where(b => b.Value.Hops.Any(h => h.Reply)).Select(b => b.Key).Order(StringComparer.Ordinal).FirstOrDefault();
            reply = other == null ? [] : Chain(batches, other, reply: true, nodeAt, taken);
        }

        TraceHop[] unplaced = batches.OrderBy(b => b.Key, StringComparer.Ordinal).SelectMany(b => b.Value.Hops).Where(h => !taken.Contains(h)).ToArray();
        return new TracePath(request, reply, unplaced);
    }

    // One direction's hops: a board's in its order up to an encapsulation, then the board it names.
    private static List<TraceHop> Chain(IReadOnlyDictionary<string, TraceBatch> batches, string start, bool reply, Func<uint, string?> nodeAt, HashSet<TraceHop> taken)
    {
        var chain = new List<TraceHop>();
        string? node = start;
        while (node != null && batches.TryGetValue(node, out TraceBatch? batch))
        {
            string? next = null;
            foreach (TraceHop hop in batch.Hops.Where(h => h.Reply == reply && !taken.Contains(h)))
            {
                chain.Add(hop);
                taken.Add(hop);
                if (hop.Step == PacketTrace.Encapsulated)
                {
                    next = nodeAt(hop.A);
                    break;
                }
            }

            node = next;
        }

        return chain;
    }
}
