using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Api;

/// <summary>
/// A list's or watch's <c>fieldSelector</c>, as kube-apiserver takes it: requirements joined by
/// commas (all must hold), each <c>field=value</c>, <c>field==value</c> or <c>field!=value</c>
/// (<c>\</c> escapes a comma, an equals sign or itself), on the fields each kind offers
/// (<c>metadata.name</c> and <c>metadata.namespace</c> for all; a pod's node and phase, an
/// event's involved object, …). A field the kind does not offer is refused as kube-apiserver
/// refuses it: <c>field label not supported: NAME</c>. This is what <c>kubectl describe</c> finds
/// an object's events with, and <c>kubectl drain</c> a node's pods.
/// </summary>
public sealed class FieldSelector
{
    private readonly List<(string Field, bool Equal, string Value)> _requirements;
    private readonly Func<KubeObject, string, string> _value;

    private FieldSelector(List<(string, bool, string)> requirements, Func<KubeObject, string, string> value)
    {
        _requirements = requirements;
        _value = value;
    }

    public bool Matches(KubeObject obj) => _requirements.All(r => (_value(obj, r.Field) == r.Value) == r.Equal);

    /// <summary>The selector for <paramref name="kind"/>, or null when <paramref name="text"/> is empty (everything matches).</summary>
    public static FieldSelector? Parse(string? text, string kind)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        IReadOnlyDictionary<string, Func<KubeObject, string>> fields = FieldsOf(kind);
        var requirements = new List<(string, bool, string)>();
        foreach (string term in SplitUnescaped(text, ','))
        {
            (string field, bool equal, string value) = Requirement(term);
            if (!fields.ContainsKey(field))
            {
                throw new ApiException(400, "BadRequest", $"field label not supported: {field}");
            }

            requirements.Add((field, equal, value));
        }

        return new FieldSelector(requirements, (obj, field) => fields[field](obj));
    }

    private static (string Field, bool Equal, string Value) Requirement(string term)
    {
        foreach ((string op, bool equal) in new[] { ("!=", false), ("==", true), ("=", true) })
        {
            int at = IndexOfUnescaped(term, op);
            if (at > 0)
            {
                return (term[..at].Trim(), equal, Unescape(term[(at + op.Length)..]));
            }
        }

        throw new ApiException(400, "BadRequest", $"invalid selector: '{term}'; can't understand '{term}'");
    }

    private static readonly Dictionary<string, Func<KubeObject, string>> Common = new()
    {
        ["metadata.name"] = o => o.Name,
        ["metadata.namespace"] = o => o.Namespace,
    };

    private static IReadOnlyDictionary<string, Func<KubeObject, string>> FieldsOf(string kind)
    {
        var fields = new Dictionary<string, Func<KubeObject, string>>(Common);
        Dictionary<string, string> paths = kind switch
        {
            "Pod" => new()
            {
                ["spec.nodeName"] = "spec.nodeName", ["spec.restartPolicy"] = "spec.restartPolicy", ["spec.schedulerName"] = "spec.schedulerName",
                ["spec.serviceAccountName"] = "spec.serviceAccountName", ["spec.hostNetwork"] = "spec.hostNetwork", ["status.phase"] = "status.phase",
                ["status.podIP"] = "status.podIP", ["status.nominatedNodeName"] = "status.nominatedNodeName",
            },
            "Event" => new()
            {
                ["involvedObject.kind"] = "involvedObject.kind", ["involvedObject.namespace"] = "involvedObject.namespace",
                ["involvedObject.name"] = "involvedObject.name", ["involvedObject.uid"] = "involvedObject.uid",
                ["involvedObject.apiVersion"] = "involvedObject.apiVersion", ["involvedObject.resourceVersion"] = "involvedObject.resourceVersion",
                ["involvedObject.fieldPath"] = "involvedObject.fieldPath", ["reason"] = "reason", ["reportingComponent"] = "reportingComponent",
                ["source"] = "source.component", ["type"] = "type",
            },
            "Node" => new() { ["spec.unschedulable"] = "spec.unschedulable" },
            "Secret" => new() { ["type"] = "type" },
            "Namespace" => new() { ["status.phase"] = "status.phase" },
            "Service" => new() { ["spec.clusterIP"] = "spec.clusterIP", ["spec.type"] = "spec.type" },
            "ReplicaSet" => new() { ["status.replicas"] = "status.replicas" },
            _ => [],
        };
        foreach ((string field, string path) in paths)
        {
            fields[field] = o => Text(o.Json, path, defaultBool: field is "spec.unschedulable" or "spec.hostNetwork");
        }

        return fields;
    }

    /// <summary>The field's value as kube-apiserver compares it: a string as it is, a number or boolean as text, a missing boolean "false", anything else missing "".</summary>
    private static string Text(JsonObject json, string path, bool defaultBool)
    {
        JsonNode? node = json;
        foreach (string part in path.Split('.'))
        {
            node = node?[part];
        }

        return node switch
        {
            null => defaultBool ? "false" : "",
            JsonValue v when v.TryGetValue(out bool b) => b ? "true" : "false",
            JsonValue v => v.ToString(),
            _ => node.ToJsonString(),
        };
    }

    private static IEnumerable<string> SplitUnescaped(string text, char separator)
    {
        var part = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                part.Append(text, i, 2);
                i++;
            }
            else if (text[i] == separator)
            {
                yield return part.ToString();
                part.Clear();
            }
            else
            {
                part.Append(text[i]);
            }
        }

        yield return part.ToString();
    }

    private static int IndexOfUnescaped(string text, string op)
    {
        for (int i = 0; i + op.Length <= text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (string.CompareOrdinal(text, i, op, 0, op.Length) == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Unescape(string value)
    {
        var text = new StringBuilder();
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
            }

            text.Append(value[i]);
        }

        return text.ToString();
    }
}
