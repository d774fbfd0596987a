using System.Globalization;
using System.Net;

namespace Edge.Host.Flows;

/// <summary>One end of a flow: an address and port ("-" on the board when a dropped frame had none).</summary>
public sealed record FlowEnd(string Address, int Port)
{
    public override string ToString() => $"{Address}:{Port}";
}

/// <summary>
/// A flow event as a board recorded it (its FlowView line, policy names restored by the control
/// plane): what the dataplane decided about a connection when it decided it.
/// </summary>
public sealed record FlowEvent
{
    /// <summary>The board's sequence number: one more per event since it started.</summary>
    public required long Sequence { get; init; }

    /// <summary>The board's clock when it was recorded (milliseconds, 32 bits).</summary>
    public required uint BoardMilliseconds { get; init; }

    /// <summary>service (a new connection to a Service, DNATed), reply (its first answer un-DNATed), allowed, denied (policy), dropped, dns (a question answered).</summary>
    public required string Kind { get; init; }

    public required string Protocol { get; init; }

    public FlowEnd? Source { get; init; }

    public FlowEnd? Destination { get; init; }

    /// <summary>service: the endpoint picked; reply: the Service address the client called.</summary>
    public FlowEnd? TranslatedTo { get; init; }

    /// <summary>service: NS/NAME:PORT as the board holds it.</summary>
    public string? Service { get; init; }

    /// <summary>service: "N/M" (the N-th of M eligible endpoints) or "affinity/M".</summary>
    public string? Pick { get; init; }

    /// <summary>service, reply: the client was masqueraded (SNAT to the node) on the way in.</summary>
    public bool Snat { get; init; }

    /// <summary>allowed, denied: the policy (null: none had to judge), its rule, the side (ingress, egress).</summary>
    public string? Policy { get; init; }

    public int? Rule { get; init; }

    public string? Direction { get; init; }

    /// <summary>dropped: the board's drop reason (no-endpoint, policy-denied...).</summary>
    public string? Reason { get; init; }

    /// <summary>dns: the question's name ("web.default.svc.cluster.local."; null when the board's slot for it went to a newer one).</summary>
    public string? Query { get; init; }

    /// <summary>dns: the question's type (A, AAAA, SRV...).</summary>
    public string? QueryType { get; init; }

    /// <summary>dns: the answer's rcode (NOERROR, NXDOMAIN, SERVFAIL, REFUSED).</summary>
    public string? Rcode { get; init; }

    /// <summary>dns: how many answers, and the first A record's address.</summary>
    public int? Answers { get; init; }

    public string? Answer { get; init; }

    /// <summary>Hubble's verdict: DROPPED for denied and dropped, FORWARDED for the rest.</summary>
    public string Verdict => Kind is "denied" or "dropped" ? "DROPPED" : "FORWARDED";
}

/// <summary>A board's flows view: what it still holds (with how many it let go) and its clock.</summary>
public sealed record FlowBatch(long Written, long Oldest, int Capacity, uint BoardNow, IReadOnlyList<FlowEvent> Events)
{
    /// <summary>When an event was recorded, by the host's clock: the view was read at <paramref name="fetched"/>, when the board's clock said <see cref="BoardNow"/>.</summary>
    public DateTime TimeOf(FlowEvent e, DateTime fetched) => fetched.AddMilliseconds(-(double)unchecked(BoardNow - e.BoardMilliseconds));

    /// <summary>Whether the board started again since <paramref name="since"/> was read from it (its count begins anew).</summary>
    public bool RestartedAfter(long since) => Written < since;

    /// <summary>
    /// Reads a board's FlowView text: the header "flows WRITTEN OLDEST CAPACITY NOW", then an event
    /// a line. A line it cannot read is an error naming it (a board's firmware out of step).
    /// </summary>
    public static FlowBatch Parse(string text)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] header = lines.Length > 0 ? lines[0].Split(' ') : [];
        if (header.Length != 5 || header[0] != "flows"
            || !long.TryParse(header[1], CultureInfo.InvariantCulture, out long written)
            || !long.TryParse(header[2], CultureInfo.InvariantCulture, out long oldest)
            || !int.TryParse(header[3], CultureInfo.InvariantCulture, out int capacity)
            || !uint.TryParse(header[4], CultureInfo.InvariantCulture, out uint now))
        {
            throw new FormatException(lines.Length == 0 ? "the board sent no flows view (does its firmware keep flow events?)" : $"not a flows view: \"{lines[0]}\"");
        }

        return new FlowBatch(written, oldest, capacity, now, lines.Skip(1).Select(ParseEvent).ToArray());
    }

    /// <summary>One event's line of the flows view (the packet tracer's hops carry theirs so too).</summary>
    public static FlowEvent ParseEvent(string line)
    {
        string[] w = line.Split(' ');
        if (w.Length < 6 || !long.TryParse(w[0], CultureInfo.InvariantCulture, out long seq) || !uint.TryParse(w[1], CultureInfo.InvariantCulture, out uint ms))
        {
            throw new FormatException($"not a flow event: \"{line}\"");
        }

        var e = new FlowEvent { Sequence = seq, BoardMilliseconds = ms, Kind = w[2], Protocol = w[3], Source = End(w[4]), Destination = End(w[5]) };
        string? After(string word) => Array.IndexOf(w, word, 6) is int i and >= 0 && i + 1 < w.Length ? w[i + 1] : null;
        return e.Kind switch
        {
            "service" => e with { TranslatedTo = End(After("dnat")), Service = After("service") is "-" ? null : After("service"), Pick = After("pick"), Snat = w.Contains("snat") },
            "reply" => e with { TranslatedTo = End(After("undnat")), Snat = w.Contains("snat") },
            "allowed" or "denied" => e with
            {
                Policy = After("policy") is "-" ? null : After("policy"),
                Rule = int.TryParse(After("rule"), CultureInfo.InvariantCulture, out int rule) ? rule : null,
                Direction = w[^1] is "ingress" or "egress" ? w[^1] : null,
            },
            "dropped" => e with { Reason = After("reason") },
            "dns" => e with
            {
                QueryType = ushort.TryParse(After("type"), CultureInfo.InvariantCulture, out ushort type) ? Edge.Dataplane.Dns.DnsType.Name(type) : null,
                Rcode = int.TryParse(After("rcode"), CultureInfo.InvariantCulture, out int rcode) ? Edge.Dataplane.Dns.DnsRcode.Name(rcode) : null,
                Answers = int.TryParse(After("answers"), CultureInfo.InvariantCulture, out int answers) ? answers : null,
                Answer = After("answer") is "-" ? null : After("answer"),
                Query = After("name") is "-" ? null : After("name"),
            },
            _ => e,
        };
    }

    private static FlowEnd? End(string? word)
    {
        int colon = word?.LastIndexOf(':') ?? -1;
        return word == null || word == "-" || colon < 0 || !IPAddress.TryParse(word[..colon], out _) || !int.TryParse(word[(colon + 1)..], CultureInfo.InvariantCulture, out int port)
            ? null : new FlowEnd(word[..colon], port);
    }
}
