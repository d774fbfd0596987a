using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Api.Apply;

/// <summary>One manager's fields, as an entry of metadata.managedFields.</summary>
public sealed record ManagedEntry(string Manager, string Operation, string ApiVersion, string Time, FieldSet Fields, string? Subresource = null)
{
    public const string Apply = "Apply";
    public const string Update = "Update";

    public bool Is(string manager, string operation, string? subresource) =>
        Manager == manager && Operation == operation && Subresource == subresource;
}

/// <summary>
/// metadata.managedFields as Kubernetes writes it: an entry per manager and operation, with its
/// fields in the FieldsV1 form (a tree of <c>f:</c>, <c>k:</c> and <c>v:</c> members, an item a
/// manager owns marked with <c>"."</c>), so `kubectl get --show-managed-fields` reads as on a cluster.
/// </summary>
public static class ManagedFields
{
    public static List<ManagedEntry> Read(KubeObject obj) =>
        (obj.Metadata["managedFields"] as JsonArray)?.OfType<JsonObject>().Select(e => new ManagedEntry(
            (string?)e["manager"] ?? "",
            (string?)e["operation"] ?? ManagedEntry.Update,
            (string?)e["apiVersion"] ?? "",
            (string?)e["time"] ?? "",
            FromFieldsV1(e["fieldsV1"] as JsonObject),
            (string?)e["subresource"])).ToList() ?? [];

    /// <summary>Writes the entries that own something, in their order; none: no managedFields at all.</summary>
    public static void Write(KubeObject obj, IEnumerable<ManagedEntry> entries)
    {
        var array = new JsonArray();
        foreach (ManagedEntry e in entries.Where(e => e.Fields.Count > 0))
        {
            var entry = new JsonObject
            {
                ["manager"] = e.Manager,
                ["operation"] = e.Operation,
                ["apiVersion"] = e.ApiVersion,
                ["time"] = e.Time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = ToFieldsV1(e.Fields),
            };
            if (e.Subresource != null)
            {
                entry["subresource"] = e.Subresource;
            }

            array.Add(entry);
        }

        if (array.Count == 0)
        {
            obj.Metadata.Remove("managedFields");
        }
        else
        {
            obj.Metadata["managedFields"] = array;
        }
    }

    public static JsonObject ToFieldsV1(FieldSet fields)
    {
        var root = new JsonObject();
        foreach (string path in fields.Paths.Order(StringComparer.Ordinal))
        {
            JsonObject node = root;
            string[] segments = FieldSet.Segments(path);
            foreach (string segment in segments)
            {
                if (node[segment] is not JsonObject child)
                {
                    child = new JsonObject();
                    node[segment] = child;
                }

                node = child;
            }

            if (segments[^1].StartsWith("k:", StringComparison.Ordinal))
            {
                node["."] = new JsonObject(); // the item itself is owned
            }
        }

        return root;
    }

    public static FieldSet FromFieldsV1(JsonObject? tree)
    {
        var paths = new List<string>();
        void Read(JsonObject node, string prefix)
        {
            foreach ((string key, JsonNode? value) in node)
            {
                if (key == ".")
                {
                    continue;
                }

                string path = prefix.Length == 0 ? key : prefix + "\n" + key;
                if (value is not JsonObject { Count: > 0 } child)
                {
                    paths.Add(path);
                    continue;
                }

                if (child.ContainsKey("."))
                {
                    paths.Add(path);
                }

                Read(child, path);
            }
        }

        if (tree != null)
        {
            Read(tree, "");
        }

        return FieldSet.From(paths);
    }
}
