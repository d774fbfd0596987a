using System.Text.Json.Nodes;
using Edge.Host.Api.OpenApi;

namespace Edge.Host.Api.Apply;

/// <summary>
/// The fields an object (or an applied configuration) sets, as server-side apply counts them
/// (structured-merge-diff's field sets, written in managedFields as FieldsV1): a path per value
/// a manager can own. A path is its segments: <c>f:NAME</c> for a member, <c>k:{KEYS}</c> for an
/// item of a list merged by its keys (containers by name, ports by port and protocol; the item
/// itself is a path too, so a manager can own it), <c>v:VALUE</c> for a value of a set; an
/// atomic list, a scalar or an empty object ends a path. Only labels and annotations of the
/// metadata count, and never the status.
/// </summary>
public sealed class FieldSet
{
    private readonly HashSet<string> _paths;

    private FieldSet(HashSet<string> paths) => _paths = paths;

    public static FieldSet Empty => new([]);

    public int Count => _paths.Count;

    public IEnumerable<string> Paths => _paths;

    public bool Contains(string path) => _paths.Contains(path);

    /// <summary>What <paramref name="obj"/> sets, walking it with its kind's schema for the lists' merge keys.</summary>
    public static FieldSet Of(JsonObject obj, ApiType type)
    {
        var paths = new HashSet<string>();
        foreach ((string name, JsonNode? value) in obj)
        {
            if (name is "apiVersion" or "kind" or "status")
            {
                continue;
            }

            if (name == "metadata")
            {
                foreach (string kept in new[] { "labels", "annotations" })
                {
                    if (value?[kept] is JsonObject map)
                    {
                        foreach ((string key, _) in map)
                        {
                            paths.Add(Join(Member("metadata"), Member(kept), Member(key)));
                        }
                    }
                }

                continue;
            }

            Walk(value, type.Field(name)?.Type, Member(name), paths);
        }

        return new FieldSet(paths);
    }

    public static FieldSet From(IEnumerable<string> paths) => new(paths.ToHashSet());

    public FieldSet Union(FieldSet other) => new(_paths.Union(other._paths).ToHashSet());

    public FieldSet Except(FieldSet other) => new(_paths.Except(other._paths).ToHashSet());

    public FieldSet Intersect(FieldSet other) => new(_paths.Intersect(other._paths).ToHashSet());

    public static string Member(string name) => "f:" + name;

    public static string Join(params string[] segments) => string.Join('\n', segments);

    public static string[] Segments(string path) => path.Split('\n');

    /// <summary>A path as kube-apiserver prints it in a conflict: .spec.template.spec.containers[name="main"].image.</summary>
    public static string Describe(string path)
    {
        var text = new System.Text.StringBuilder();
        foreach (string segment in Segments(path))
        {
            if (segment.StartsWith("f:", StringComparison.Ordinal))
            {
                text.Append('.').Append(segment[2..]);
            }
            else if (segment.StartsWith("k:", StringComparison.Ordinal))
            {
                JsonObject keys = (JsonObject)JsonNode.Parse(segment[2..])!;
                text.Append('[').Append(string.Join(",", keys.Select(k => $"{k.Key}={k.Value!.ToJsonString()}"))).Append(']');
            }
            else
            {
                text.Append('[').Append(segment[2..]).Append(']');
            }
        }

        return text.ToString();
    }

    /// <summary>The value at <paramref name="path"/> in <paramref name="obj"/>, or null when it has none.</summary>
    public static JsonNode? ValueAt(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (string segment in Segments(path))
        {
            node = segment[0] switch
            {
                'f' => (node as JsonObject)?[segment[2..]],
                'k' => (node as JsonArray)?.FirstOrDefault(i => i is JsonObject item && Matches(item, segment)),
                _ => (node as JsonArray)?.FirstOrDefault(v => v?.ToJsonString() == segment[2..]),
            };
            if (node == null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>Takes the value at <paramref name="path"/> out of <paramref name="obj"/> (a member, a list's item, a set's value); nothing when it is not there.</summary>
    public static void Remove(JsonObject obj, string path)
    {
        string[] segments = Segments(path);
        string parentPath = Join(segments[..^1]);
        JsonNode? parent = segments.Length == 1 ? obj : ValueAt(obj, parentPath);
        string last = segments[^1];
        switch (last[0])
        {
            case 'f' when parent is JsonObject members:
                members.Remove(last[2..]);
                break;
            case 'k' when parent is JsonArray items:
                items.Remove(items.FirstOrDefault(i => i is JsonObject item && Matches(item, last)));
                break;
            case 'v' when parent is JsonArray values:
                values.Remove(values.FirstOrDefault(v => v?.ToJsonString() == last[2..]));
                break;
        }
    }

    private static bool Matches(JsonObject item, string keySegment)
    {
        JsonObject keys = (JsonObject)JsonNode.Parse(keySegment[2..])!;
        return keys.All(k => JsonNode.DeepEquals(item[k.Key], k.Value));
    }

    private static void Walk(JsonNode? value, FieldType? type, string path, HashSet<string> paths)
    {
        // A reference to a type with no fields (a quantity, an int-or-string) is a value, walked as untyped.
        FieldType? resolved = type is TypeRef r && !(ApiTypes.All.TryGetValue(r.Name, out ApiType? named) && named.IsStruct) ? null : type;
        switch (value)
        {
            case JsonObject members when members.Count > 0 && resolved is not ListOf:
                foreach ((string name, JsonNode? member) in members)
                {
                    Walk(member, MemberType(resolved, name), path + "\n" + Member(name), paths);
                }

                return;
            case JsonArray items when resolved is ListOf { MapKeys.Length: > 0 } keyed && items.All(i => i is JsonObject):
                foreach (JsonObject item in items.OfType<JsonObject>())
                {
                    var keys = new JsonObject();
                    foreach (string key in keyed.MapKeys.Where(k => item[k] != null))
                    {
                        keys[key] = item[key]!.DeepClone();
                    }

                    string itemPath = path + "\nk:" + keys.ToJsonString();
                    paths.Add(itemPath);
                    foreach ((string name, JsonNode? member) in item)
                    {
                        Walk(member, MemberType(keyed.Items, name), itemPath + "\n" + Member(name), paths);
                    }
                }

                return;
            case JsonArray values when resolved is ListOf { MergesValues: true, Items: Primitive }:
                foreach (JsonNode? v in values)
                {
                    paths.Add(path + "\nv:" + (v?.ToJsonString() ?? "null"));
                }

                return;
            default:
                paths.Add(path); // a scalar, an atomic list, an empty object
                return;
        }
    }

    private static FieldType? MemberType(FieldType? schema, string name) => schema switch
    {
        TypeRef r when ApiTypes.All.TryGetValue(r.Name, out ApiType? type) => type.Field(name)?.Type,
        MapOf m => m.Values,
        _ => null,
    };
}
