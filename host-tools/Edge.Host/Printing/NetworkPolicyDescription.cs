using System.Globalization;
using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Printing;

/// <summary>
/// `describe networkpolicy` in kubectl's words (kubectl's describeNetworkPolicy): the header,
/// then the spec as sentences, one block per rule with "----------" between them:
/// <code>
/// Name:         allow-a
/// Namespace:    x
/// Created on:   2026-12-04 10:00:00 +0000 UTC
/// Labels:       &lt;none&gt;
/// Annotations:  &lt;none&gt;
/// Spec:
///   PodSelector:     app=web
///   Allowing ingress traffic:
///     To Port: 80/TCP
///     From:
///       PodSelector: app=a
///   Not affecting egress traffic
///   Policy Types: Ingress
/// </code>
/// Selectors print as kubectl's FormatLabelSelector does (requirements sorted by key,
/// `key in (a,b)`, `!key`, `&lt;none&gt;` when empty). Where Edge differs: policyTypes left out
/// are shown as the API server would have defaulted them (Ingress, and Egress when there are
/// egress rules: what the boards enforce); a port entry with a protocol and no port reads
/// `&lt;any&gt;/UDP` (kubectl prints `&lt;nil&gt;/UDP`); times are in UTC; like kubectl, no Events.
/// </summary>
public static class NetworkPolicyDescription
{
    /// <summary>kubectl drops the annotation client-side apply leaves, as noise.</summary>
    internal const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Longer annotations go on lines of their own, cut at this length (kubectl's maxAnnotationLen).</summary>
    private const int MaxAnnotationLength = 140;

    public static void Write(TextWriter o, KubeObject policy)
    {
        // kubectl's header goes through a tabwriter: values line up two spaces after "Annotations:".
        const int Column = 14;
        o.WriteLine("Name:".PadRight(Column) + policy.Name);
        o.WriteLine("Namespace:".PadRight(Column) + (policy.Namespace.Length == 0 ? "default" : policy.Namespace));
        o.WriteLine("Created on:".PadRight(Column) + CreatedOn((string?)policy.Metadata["creationTimestamp"]));
        WriteMap(o, "Labels:", Column, policy.Metadata["labels"] as JsonObject, (k, v) => [$"{k}={v}"]);
        WriteMap(o, "Annotations:", Column, policy.Metadata["annotations"] as JsonObject, Annotation);
        WriteSpec(o, policy.Spec ?? []);
    }

    public static string Of(KubeObject policy)
    {
        var o = new StringWriter { NewLine = "\n" };
        Write(o, policy);
        return o.ToString();
    }

    private static void WriteSpec(TextWriter o, JsonObject spec)
    {
        o.WriteLine("Spec:");
        JsonNode? podSelector = spec["podSelector"];
        bool everyPod = podSelector is not JsonObject s || (IsEmpty(s["matchLabels"]) && IsEmpty(s["matchExpressions"]));
        o.WriteLine("  PodSelector:     " + (everyPod ? "<none> (Allowing the specific traffic to all pods in this namespace)" : Selector(podSelector)));

        List<string> types = PolicyTypes(spec);
        foreach ((string type, string field, string peers, string anyPeer) in new[]
        {
            ("Ingress", "ingress", "From", "From: <any> (traffic not restricted by source)"),
            ("Egress", "egress", "To", "To: <any> (traffic not restricted by destination)"),
        })
        {
            if (!types.Contains(type))
            {
                o.WriteLine($"  Not affecting {field} traffic");
                continue;
            }

            o.WriteLine($"  Allowing {field} traffic:");
            JsonArray rules = spec[field] as JsonArray ?? [];
            if (rules.Count == 0)
            {
                o.WriteLine($"    <none> (Selected pods are isolated for {field} connectivity)");
                continue;
            }

            for (int i = 0; i < rules.Count; i++)
            {
                WriteRule(o, rules[i], peers, anyPeer);
                if (i != rules.Count - 1)
                {
                    o.WriteLine("    ----------");
                }
            }
        }

        o.WriteLine("  Policy Types: " + string.Join(", ", types));
    }

    private static void WriteRule(TextWriter o, JsonNode? rule, string peers, string anyPeer)
    {
        if (Field(rule, "ports") is JsonArray { Count: > 0 } ports)
        {
            foreach (JsonNode? port in ports)
            {
                string protocol = Text(Field(port, "protocol")) ?? "TCP";
                string number = Field(port, "port") is JsonNode p ? Scalar(p) : "<any>";
                o.WriteLine(Field(port, "endPort") is JsonNode end
                    ? $"    To Port Range: {number}-{Scalar(end)}/{protocol}"
                    : $"    To Port: {number}/{protocol}");
            }
        }
        else
        {
            o.WriteLine("    To Port: <any> (traffic allowed to all ports)");
        }

        if (Field(rule, peers.ToLowerInvariant()) is not JsonArray { Count: > 0 } list)
        {
            o.WriteLine("    " + anyPeer);
            return;
        }

        foreach (JsonNode? peer in list)
        {
            o.WriteLine($"    {peers}:");
            JsonNode? pods = Field(peer, "podSelector"), namespaces = Field(peer, "namespaceSelector"), block = Field(peer, "ipBlock");
            if (namespaces != null)
            {
                o.WriteLine("      NamespaceSelector: " + Selector(namespaces));
            }

            if (pods != null)
            {
                o.WriteLine("      PodSelector: " + Selector(pods));
            }

            if (pods == null && namespaces == null && block != null)
            {
                o.WriteLine("      IPBlock:");
                o.WriteLine("        CIDR: " + (Text(Field(block, "cidr")) ?? ""));
                o.WriteLine(("        Except: " + string.Join(", ", (Field(block, "except") as JsonArray ?? []).Select(e => Text(e) ?? ""))).TrimEnd());
            }
        }
    }

    /// <summary>
    /// A label selector as kubectl's metav1.FormatLabelSelector prints it: matchLabels as
    /// key=value and matchExpressions as `key in (a,b)`, `key notin (a,b)`, `key`, `!key`, all
    /// sorted by key and joined by commas; `&lt;none&gt;` when empty, `&lt;error&gt;` when unreadable.
    /// </summary>
    public static string Selector(JsonNode? selector)
    {
        if (selector is not JsonObject s)
        {
            return "<none>";
        }

        var requirements = new List<(string Key, string Text)>();
        foreach ((string key, JsonNode? value) in s["matchLabels"] as JsonObject ?? [])
        {
            requirements.Add((key, $"{key}={Text(value) ?? ""}"));
        }

        foreach (JsonNode? e in s["matchExpressions"] as JsonArray ?? [])
        {
            string key = Text(Field(e, "key")) ?? "";
            List<string> values = (Field(e, "values") as JsonArray ?? []).Select(v => Text(v) ?? "").Order(StringComparer.Ordinal).ToList();
            string? text = Text(Field(e, "operator")) switch
            {
                "In" when values.Count > 0 => $"{key} in ({string.Join(",", values)})",
                "NotIn" when values.Count > 0 => $"{key} notin ({string.Join(",", values)})",
                "Exists" when values.Count == 0 => key,
                "DoesNotExist" when values.Count == 0 => "!" + key,
                _ => null,
            };
            if (text == null)
            {
                return "<error>";
            }

            requirements.Add((key, text));
        }

        return requirements.Count == 0 ? "<none>" : string.Join(",", requirements.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }

    /// <summary>policyTypes as written; when missing, as the API server defaults them: Ingress, and Egress when there are egress rules.</summary>
    public static List<string> PolicyTypes(JsonObject spec)
    {
        if (spec["policyTypes"] is JsonArray { Count: > 0 } written)
        {
            return written.Select(t => Text(t) ?? t?.ToJsonString() ?? "").ToList();
        }

        return spec["egress"] is JsonArray { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"];
    }

    /// <summary>Go's time.Time String() in UTC, as kubectl prints "Created on": 2026-12-04 10:00:00 +0000 UTC.</summary>
    private static string CreatedOn(string? timestamp) => KubeTime.Parse(timestamp) is DateTime t
        ? t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " +0000 UTC"
        : "<unknown>";

    /// <summary>kubectl's printLabelsMultiline/printAnnotationsMultiline: sorted, one per line under the first, `&lt;none&gt;` when there are none.</summary>
    private static void WriteMap(TextWriter o, string title, int column, JsonObject? map, Func<string, string, string[]> lines)
    {
        var entries = (map ?? []).Where(p => p.Key != LastApplied).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        if (entries.Count == 0)
        {
            o.WriteLine(title.PadRight(column) + "<none>");
            return;
        }

        bool first = true;
        foreach ((string key, JsonNode? value) in entries)
        {
            foreach (string line in lines(key, Text(value) ?? value?.ToJsonString() ?? ""))
            {
                o.WriteLine((first ? title : "").PadRight(column) + line);
                first = false;
            }
        }
    }

    /// <summary>An annotation on one line, or, when long or multi-line, its key and then its lines (each cut at 138 characters), as kubectl prints it.</summary>
    internal static string[] Annotation(string key, string value)
    {
        value = value.TrimEnd('\n');
        if (value.Length + key.Length + 2 <= MaxAnnotationLength && !value.Contains('\n'))
        {
            return [$"{key}: {value}"];
        }

        return [$"{key}:", .. value.Split('\n').Select(s => "  " + (s.Length > MaxAnnotationLength - 2 ? s[..(MaxAnnotationLength - 2)] + "..." : s))];
    }

    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        _ => false,
    };

    private static JsonNode? Field(JsonNode? node, string name) => (node as JsonObject)?[name];

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>A port or endPort: a number, or a name, as written.</summary>
    private static string Scalar(JsonNode node) => Text(node) ?? node.ToJsonString();
}
