using System.Text.Json.Nodes;

namespace Edge.Host.Objects;

/// <summary>
/// An Ingress's spec.tls as the controllers read it: each entry's Secret and hosts (lower-cased,
/// as DNS names compare), and whether a rule's host routes the requests for a TLS host.
/// </summary>
public static class IngressTls
{
    /// <summary>One spec.tls entry: its index (for messages), its secretName ("" when it has none), its hosts (none: every host of the Ingress).</summary>
    public sealed record Entry(int Index, string SecretName, IReadOnlyList<string> Hosts);

    public static List<Entry> Entries(KubeObject ingress)
    {
        var entries = new List<Entry>();
        JsonArray tls = ingress.Spec?["tls"] as JsonArray ?? [];
        for (int i = 0; i < tls.Count; i++)
        {
            List<string> hosts = (tls[i]?["hosts"] as JsonArray ?? [])
                .Select(h => h is JsonValue v && v.TryGetValue(out string? s) ? s.ToLowerInvariant() : "")
                .Where(h => h.Length > 0).ToList();
            string secret = tls[i]?["secretName"] is JsonValue name && name.TryGetValue(out string? s) ? s : "";
            entries.Add(new Entry(i, secret, hosts));
        }

        return entries;
    }

    /// <summary>Whether the Ingress asks for TLS at all (a spec.tls with an entry).</summary>
    public static bool Wanted(KubeObject ingress) => ingress.Spec?["tls"] is JsonArray { Count: > 0 };

    /// <summary>The hosts the Ingress's rules name, lower-cased, each once ("" for a rule without a host is left out).</summary>
    public static List<string> RuleHosts(KubeObject ingress) =>
        (ingress.Spec?["rules"] as JsonArray ?? [])
            .Select(r => r?["host"] is JsonValue v && v.TryGetValue(out string? s) ? s.ToLowerInvariant() : "")
            .Where(h => h.Length > 0).Distinct().ToList();

    /// <summary>Whether a rule's host routes requests for a TLS host: the same name, or a wildcard rule (*.example.com) over one more label.</summary>
    public static bool Covers(string ruleHost, string tlsHost)
    {
        if (ruleHost == tlsHost)
        {
            return true;
        }

        if (!ruleHost.StartsWith("*.", StringComparison.Ordinal) || !tlsHost.EndsWith(ruleHost[1..], StringComparison.Ordinal))
        {
            return false;
        }

        string label = tlsHost[..^(ruleHost.Length - 1)];
        return label.Length > 0 && !label.Contains('.') && label != "*";
    }
}
