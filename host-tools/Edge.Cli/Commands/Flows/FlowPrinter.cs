using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Host.Flows;

namespace Edge.Cli.Commands.Flows;

/// <summary>
/// Flow events as `hubble observe` prints flows: when, where, source -> destination, the
/// verdict in words (FORWARDED, DROPPED: never colour alone), the protocol and what the board
/// decided; or, with -o json, one JSON object a line.
/// </summary>
public static class FlowPrinter
{
    /// <summary>"Dec  5 23:14:02.123 node-1: default/client:40001 -> default/web:80 FORWARDED UDP service: DNAT to ..."</summary>
    public static string Line(string node, DateTime at, FlowEvent e, FlowNames names) =>
        $"{at.ToLocalTime():MMM d HH:mm:ss.fff} {node}: {names.End(e.Source)} -> {names.End(e.Destination)} {e.Verdict} {e.Protocol} {Summary(e, names)}";

    /// <summary>What the board decided, in words.</summary>
    public static string Summary(FlowEvent e, FlowNames names) => e.Kind switch
    {
        "service" => $"service {e.Service ?? "?"}: DNAT to {names.End(e.TranslatedTo)}, {(e.Pick?.StartsWith("affinity", StringComparison.Ordinal) == true ? "kept by session affinity" : "pick " + e.Pick?.Replace("/", " of ", StringComparison.Ordinal))}{(e.Snat ? ", masqueraded (SNAT to the node)" : "")}",
        "reply" => $"reply: un-DNAT from {names.End(e.TranslatedTo)}{(e.Snat ? ", un-SNAT to the client" : "")}",
        "allowed" => $"policy {e.Policy ?? "(none had to judge)"} allowed it ({e.Direction}{(e.Rule is int r ? $", rule {r}" : "")})",
        "denied" => $"policy {e.Policy ?? "?"} denied it ({e.Direction}: no rule allows it)",
        "dropped" => $"dropped: {e.Reason}",
        "dns" => $"DNS {e.QueryType ?? "?"} {e.Query ?? "(name not kept)"}: "
            + (e.Rcode != "NOERROR" ? e.Rcode : e.Answer != null ? $"{e.Answer}{(e.Answers > 1 ? $" and {e.Answers - 1} more" : "")}" : $"{e.Answers} answer{(e.Answers == 1 ? "" : "s")}"),
        _ => e.Kind,
    };

    public static string Json(string node, DateTime at, FlowEvent e, FlowNames names)
    {
        JsonObject End(FlowEnd? end) => end == null ? new JsonObject() : new JsonObject
        {
            ["ip"] = end.Address,
            ["port"] = end.Port,
            ["name"] = names.Of(end.Address),
        };

        var flow = new JsonObject
        {
            ["time"] = at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
            ["node_name"] = node,
            ["sequence"] = e.Sequence,
            ["verdict"] = e.Verdict,
            ["type"] = e.Kind,
            ["protocol"] = e.Protocol,
            ["source"] = End(e.Source),
            ["destination"] = End(e.Destination),
        };
        if (e.TranslatedTo != null)
        {
            flow[e.Kind == "reply" ? "original_destination" : "translated_destination"] = End(e.TranslatedTo);
        }

        if (e.Service != null)
        {
            flow["service"] = e.Service;
            flow["pick"] = e.Pick;
        }

        if (e.Kind is "allowed" or "denied")
        {
            flow["policy"] = e.Policy;
            flow["rule"] = e.Rule;
            flow["direction"] = e.Direction;
        }

        if (e.Reason != null)
        {
            flow["drop_reason"] = e.Reason;
        }

        if (e.Kind == "dns")
        {
            // Hubble's l7.dns fields.
            flow["l7"] = new JsonObject
            {
                ["type"] = "RESPONSE",
                ["dns"] = new JsonObject
                {
                    ["query"] = e.Query,
                    ["qtypes"] = new JsonArray(e.QueryType),
                    ["rcode"] = e.Rcode,
                    ["ips"] = e.Answer == null ? new JsonArray() : new JsonArray(e.Answer),
                    ["answers"] = e.Answers,
                },
            };
        }

        return flow.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
