using Edge.Host.Trace;
using Spectre.Console;

namespace Edge.Cli.Commands.Trace;

/// <summary>
/// A trace as Packet Tracer's simulation steps a PDU: the request's hops in order, then the
/// reply's, each numbered with its node, the point it passed and what was decided there, and
/// under it the packet's headers as that point left them. A drop says DROPPED in words (colour
/// only adds to it, on a terminal).
/// </summary>
public static class TracePrinter
{
    public static void Print(CliConsole console, TraceResult trace)
    {
        console.Out.WriteLine($"trace {trace.Protocol} from {trace.From} to {trace.To} (IPv4 id {trace.Mark}, its reply {trace.Mark + 1})");
        int number = 0;
        Section(console, "request", trace.Request, trace.Names, ref number);
        Section(console, "reply", trace.Reply, trace.Names, ref number);
        if (trace.Unplaced.Count > 0)
        {
            Section(console, "also seen (on a board the path did not lead to)", trace.Unplaced, trace.Names, ref number);
        }

        foreach (string note in trace.Notes)
        {
            console.Out.WriteLine($"note: {note}");
        }

        console.Out.WriteLine(Verdict(trace));
    }

    /// <summary>The trace's outcome in one line: delivered (and answered or not), dropped where, or incomplete (the packet lost from sight).</summary>
    public static string Verdict(TraceResult trace)
    {
        TraceHop? drop = trace.Request.Concat(trace.Reply).FirstOrDefault(h => h.Step == Edge.Dataplane.Net.PacketTrace.Dropped);
        if (drop != null)
        {
            return $"DROPPED on {drop.Node}: {Edge.Dataplane.Net.DropReason.Name((int)drop.A)}{(trace.Reply.Count > 0 && trace.Reply[^1].Ends ? ", the sender was told" : "")}";
        }

        return trace.Complete ? $"DELIVERED on {trace.Request[^1].Node} and answered: {trace.Request.Count + trace.Reply.Count} hops"
            : trace.RequestEnded ? $"DELIVERED on {trace.Request[^1].Node}, no answer seen: {trace.Request.Count + trace.Reply.Count} hops"
            : "INCOMPLETE: see the notes";
    }

    private static void Section(CliConsole console, string title, IReadOnlyList<TraceHop> hops, IReadOnlyDictionary<string, string> names, ref int number)
    {
        if (hops.Count == 0)
        {
            return;
        }

        console.Out.WriteLine();
        console.Out.WriteLine(title.ToUpperInvariant());
        foreach (TraceHop hop in hops)
        {
            number++;
            HopWords words = TraceNarration.Describe(hop, names);
            string lead = $"{number,3}  {hop.Node,-10} {words.Point,-20} ";
            string indent = new(' ', lead.Length);
            for (int i = 0; i < words.Decisions.Count; i++)
            {
                string text = Markup.Escape(words.Decisions[i]);
                string styled = words.Dropped && i == 0 ? $"[red]{text}[/]" : text;
                console.Styled.MarkupLine(Markup.Escape(i == 0 ? lead : indent) + styled);
            }

            foreach (string header in TraceNarration.Headers(hop))
            {
                console.Styled.MarkupLine($"{Markup.Escape(indent)}[grey]{Markup.Escape(header)}[/]");
            }
        }
    }
}
