using System.Text.Json.Nodes;

namespace Edge.Host.Printing;

/// <summary>
/// A Node's Capacity and Allocatable sections as kubectl's describeNode prints them: each
/// resource on its own line, sorted by name, its quantity as the Node holds it, so the extended
/// resource a board reports (<see cref="Objects.NodeTls.Resource"/>) shows beside pods, as a
/// device plugin's would on Kubernetes:
/// <code>
/// Capacity:
///   edge.dev/tls-sessions:  4
///   pods:                   16
/// Allocatable:
///   edge.dev/tls-sessions:  4
///   pods:                   16
/// </code>
/// A section the Node does not have is left out, as kubectl leaves it out.
/// </summary>
public static class NodeResources
{
    public static void Write(TextWriter o, Objects.KubeObject node)
    {
        var w = new TabbedText(o);
        foreach ((string title, string field) in new[] { ("Capacity", "capacity"), ("Allocatable", "allocatable") })
        {
            if (node.Json["status"]?[field] is not JsonObject { Count: > 0 } resources)
            {
                continue;
            }

            w.Line(title + ":");
            foreach ((string name, JsonNode? quantity) in resources.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                w.Line($"  {name}:\t{(quantity is JsonValue v && v.TryGetValue(out string? text) ? text : quantity?.ToJsonString())}");
            }
        }

        w.Flush();
    }

    public static string Of(Objects.KubeObject node)
    {
        var o = new StringWriter { NewLine = "\n" };
        Write(o, node);
        return o.ToString();
    }
}
