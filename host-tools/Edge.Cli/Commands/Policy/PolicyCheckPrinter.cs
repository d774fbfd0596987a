using System.Text.Json.Nodes;
using Edge.Dataplane.Wire;

namespace Edge.Cli.Commands.Policy;

/// <summary>
/// A check's answer in words, and as JSON with the same facts. The words:
/// <code>
/// allowed
/// egress  x/a  (not isolated: no policy selects it for egress)
/// ingress x/b  allowed by x/allow-from-a rule 1 (ingress[0])
/// </code>
/// The first line is the verdict; then the source's egress and the destination's ingress, each
/// with the pod it is about. Through a Service, a line about the Service and then the same two
/// lines for each endpoint, indented under `endpoint NAME ADDRESS:PORT/PROTO: verdict`.
/// </summary>
public static class PolicyCheckPrinter
{
    public static void WriteText(TextWriter o, PolicyCheckResult result)
    {
        o.WriteLine(result.Allowed ? "allowed" : "denied");
        if (result.Service is not ServiceTarget service)
        {
            WriteSides(o, result.Connections[0], "");
            return;
        }

        int allowed = result.Connections.Count(c => c.Allowed);
        int count = result.Connections.Count;
        o.WriteLine($"service {service.Label} {Ipv4Address.Format(service.ClusterIp)}:{result.Port.Port}/{result.Port.ProtocolName}: "
            + $"{count} ready endpoint{(count == 1 ? "" : "s")}{(service.LocalOnly ? $" on {result.From.Node} (internalTrafficPolicy: Local)" : "")}, {allowed} allowed"
            + (count > 1 ? "; each connection goes to one of them" : ""));
        foreach (ConnectionVerdict c in result.Connections)
        {
            string name = c.To.IsPod ? c.To.Label + " " : "";
            o.WriteLine($"endpoint {name}{Ipv4Address.Format(c.To.Address)}:{c.Port.Port}/{c.Port.ProtocolName}: {(c.Allowed ? "allowed" : "denied")}");
            WriteSides(o, c, "  ");
        }
    }

    private static void WriteSides(TextWriter o, ConnectionVerdict c, string indent)
    {
        int width = Math.Max(c.Egress.Subject.Label.Length, c.Ingress.Subject.Label.Length);
        foreach (SideVerdict side in new[] { c.Egress, c.Ingress })
        {
            o.WriteLine($"{indent}{side.Direction,-7} {side.Subject.Label.PadRight(width)}  {Reason(side, c.Port)}");
        }
    }

    /// <summary>Why the side decided as it did, in a phrase.</summary>
    public static string Reason(SideVerdict side, PortArgument port) => side.Outcome switch
    {
        SideOutcome.NotAPod => $"(not a pod: {side.Subject.Description}; no {side.Direction} policy applies)",
        SideOutcome.NotIsolated => $"(not isolated: no policy selects it for {side.Direction})",
        SideOutcome.AllowedByRule => $"allowed by {side.Policy} {Rule(side.Rule!)}",
        SideOutcome.Denied => $"denied: isolated by {string.Join(", ", side.IsolatedBy ?? [])}, no rule allows "
            + (side.Egress ? $"{port} to {Ipv4Address.Format(side.Peer.Address)}" : $"{Ipv4Address.Format(side.Peer.Address)} to {port}"),
        SideOutcome.FromOwnNode => $"allowed: from its own node ({Ipv4Address.Format(side.Peer.Address)}, {side.Peer.Description}), which is always allowed",
        SideOutcome.ToOwnNode => $"(to its own node ({side.Peer.Description}): the board takes it before any policy)",
        SideOutcome.Hairpin => "(not asked: through its own Service it leaves as its node's gateway, kube-proxy's hairpin masquerade)",
        SideOutcome.SamePod => "(to itself: the traffic never leaves the pod)",
        _ => side.Outcome.ToString(),
    };

    /// <summary>"rule 1 (ingress[0])": the policy's Nth rule as the board holds it, then where it is written.</summary>
    public static string Rule(RuleReference rule) => rule.Field != null
        ? $"rule {rule.Number} ({rule.Field}[{rule.Index}])"
        : $"rule {rule.Number} (where it is written could not be worked out)";

    public static JsonObject ToJson(PolicyCheckResult result)
    {
        var json = new JsonObject
        {
            ["allowed"] = result.Allowed,
            ["from"] = PartyJson(result.From),
        };
        if (result.To != null)
        {
            json["to"] = PartyJson(result.To);
        }

        if (result.Service is ServiceTarget service)
        {
            json["service"] = new JsonObject
            {
                ["namespace"] = service.Namespace,
                ["name"] = service.Name,
                ["clusterIP"] = Ipv4Address.Format(service.ClusterIp),
                ["internalTrafficPolicyLocal"] = service.LocalOnly,
            };
        }

        json["protocol"] = result.Port.ProtocolName;
        json["port"] = (int)result.Port.Port;
        json["connections"] = new JsonArray(result.Connections.Select(c => (JsonNode)new JsonObject
        {
            ["to"] = PartyJson(c.To),
            ["protocol"] = c.Port.ProtocolName,
            ["port"] = (int)c.Port.Port,
            ["allowed"] = c.Allowed,
            ["egress"] = SideJson(c.Egress, c.Port),
            ["ingress"] = SideJson(c.Ingress, c.Port),
        }).ToArray());
        return json;
    }

    private static JsonObject PartyJson(Party party)
    {
        var json = new JsonObject { ["ip"] = Ipv4Address.Format(party.Address) };
        if (party.Pod != null)
        {
            json["pod"] = new JsonObject { ["namespace"] = Party.NamespaceOf(party.Pod), ["name"] = party.Pod.Name, ["node"] = party.Node };
        }
        else
        {
            json["description"] = party.Description;
        }

        return json;
    }

    private static JsonObject SideJson(SideVerdict side, PortArgument port)
    {
        var json = new JsonObject
        {
            ["allowed"] = side.Allows,
            ["outcome"] = char.ToLowerInvariant(side.Outcome.ToString()[0]) + side.Outcome.ToString()[1..],
            ["subject"] = side.Subject.Label,
            ["peer"] = Ipv4Address.Format(side.Peer.Address),
            ["reason"] = Reason(side, port),
        };
        if (side.Policy != null)
        {
            json["policy"] = side.Policy;
        }

        if (side.Rule != null)
        {
            json["rule"] = new JsonObject
            {
                ["number"] = side.Rule.Number,
                ["field"] = side.Rule.Field,
                ["index"] = side.Rule.Field != null ? side.Rule.Index : null,
            };
        }

        if (side.IsolatedBy != null)
        {
            json["isolatedBy"] = new JsonArray(side.IsolatedBy.Select(p => (JsonNode)p).ToArray());
        }

        return json;
    }
}
