using System.Text.Json.Nodes;
using Edge.Host.Api.OpenApi;

namespace Edge.Host.Api;

/// <summary>
/// Kubernetes' strategic merge patch (<c>application/strategic-merge-patch+json</c>), what kubectl
/// sends for the built-in kinds: client-side <c>apply</c> of an object that exists, <c>edit</c>,
/// <c>set image</c>, <c>rollout restart</c>, <c>cordon</c>. Objects merge member by member and
/// null removes a member, as in a JSON merge patch; the difference is lists, read from the
/// kind's schema (<see cref="ApiTypes"/>): a list with a merge key (containers by name, service
/// ports by port, env by name) merges item by item, a list of strings with the merge strategy
/// (finalizers) takes the patch's values beside its own, any other list is replaced whole.
/// The directives kubectl writes are honoured: <c>$patch: replace|delete|merge</c> on an object
/// or a list item, <c>$retainKeys</c>, <c>$deleteFromPrimitiveList/FIELD</c> and
/// <c>$setElementOrder/FIELD</c> (the patch's order first, items only the server has after
/// them, in their own order).
/// </summary>
public static class StrategicMergePatch
{
    private const string Directive = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";
    private const string SetElementOrder = "$setElementOrder/";

    /// <summary>The object <paramref name="target"/> patched (in place) as a <paramref name="type"/>; FormatException for a patch Kubernetes would refuse.</summary>
    public static JsonObject Apply(JsonObject target, JsonNode? patch, ApiType type)
    {
        if (patch is not JsonObject members)
        {
            throw new FormatException("a strategic merge patch is a JSON object");
        }

        return MergeObject(target, members, new TypeRef(type.Name))
            ?? throw new FormatException("a strategic merge patch cannot delete the object it patches ($patch: delete at the top)");
    }

    // null: the object is to be removed from where it was ($patch: delete).
    private static JsonObject? MergeObject(JsonObject? original, JsonObject patch, FieldType? schema)
    {
        switch ((string?)patch[Directive])
        {
            case "replace":
                return Stripped(patch);
            case "delete":
                return null;
            case null or "merge":
                break;
            case string other:
                throw new FormatException($"unknown patch type: \"{other}\" in {Directive} (replace, delete or merge)");
        }

        JsonObject result = original ?? new JsonObject();
        foreach ((string name, JsonNode? value) in patch.ToList())
        {
            if (name.StartsWith('$'))
            {
                continue;
            }

            FieldType? member = MemberType(schema, name);
            if (value is null)
            {
                result.Remove(name);
                continue;
            }

            JsonNode? merged = value switch
            {
                JsonObject o => MergeObject(result[name] as JsonObject, o, member),
                JsonArray a => MergeList(result[name] as JsonArray, a, member as ListOf, name),
                _ => value.DeepClone(),
            };
            if (merged is null)
            {
                result.Remove(name);
            }
            else if (!ReferenceEquals(merged, result[name])) // an object merged in place is there already
            {
                result[name] = merged;
            }
        }

        foreach ((string name, JsonNode? value) in patch)
        {
            if (name.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                DeleteValues(result[name[DeleteFromPrimitiveList.Length..]] as JsonArray, value as JsonArray ?? throw new FormatException($"{name} must be a list"));
            }
            else if (name.StartsWith(SetElementOrder, StringComparison.Ordinal))
            {
                string field = name[SetElementOrder.Length..];
                if (result[field] is JsonArray list)
                {
                    result[field] = Ordered(list, value as JsonArray ?? throw new FormatException($"{name} must be a list"), MemberType(schema, field) as ListOf);
                }
            }
        }

        if (patch[RetainKeys] is JsonNode retain)
        {
            HashSet<string> kept = (retain as JsonArray ?? throw new FormatException($"{RetainKeys} must be a list of field names"))
                .Select(k => (string?)k ?? throw new FormatException($"{RetainKeys} must be a list of field names")).ToHashSet();
            foreach (string name in result.Select(m => m.Key).Where(n => !kept.Contains(n)).ToList())
            {
                result.Remove(name);
            }
        }

        return result;
    }

    private static JsonArray MergeList(JsonArray? original, JsonArray patch, ListOf? list, string field)
    {
        if (list is { Items: Primitive } && list.MergesValues)
        {
            JsonArray union = original is null ? [] : (JsonArray)original.DeepClone();
            foreach (JsonNode? value in patch)
            {
                if (!union.Any(v => JsonNode.DeepEquals(v, value)))
                {
                    union.Add(value?.DeepClone());
                }
            }

            return union;
        }

        if (list is null || list.MapKeys.Length == 0)
        {
            return new JsonArray(patch.Select(item => item is JsonObject o ? (JsonNode?)MergeObject(null, o, list?.Items) : item?.DeepClone()).ToArray());
        }

        string key = list.MapKeys[0]; // Kubernetes' patchMergeKey: the first of the list's keys
        // {"$patch": "replace"} alone among the items: the list is the patch's items, nothing of the server's.
        bool replaced = patch.Any(i => i is JsonObject { Count: 1 } d && (string?)d[Directive] == "replace");
        JsonArray result = original is null || replaced ? [] : (JsonArray)original.DeepClone();
        foreach (JsonNode? item in patch)
        {
            if (item is not JsonObject element)
            {
                throw new FormatException($"{field}: an item of a list merged by {key} must be an object, not {item?.ToJsonString() ?? "null"}");
            }

            string? directive = (string?)element[Directive];
            if (directive == "replace" && element.Count == 1)
            {
                continue; // the list's own directive, taken above
            }

            JsonNode keyValue = element[key] ?? throw new FormatException($"{field}: {Brief(element)} does not contain declared merge key: {key}");
            int at = IndexOf(result, key, keyValue);
            if (directive == "delete")
            {
                while (at >= 0)
                {
                    result.RemoveAt(at);
                    at = IndexOf(result, key, keyValue);
                }

                continue;
            }

            JsonObject? merged = MergeObject(at >= 0 ? result[at] as JsonObject : null, element, list.Items);
            if (at >= 0)
            {
                if (!ReferenceEquals(merged, result[at])) // merged in place, or replaced by the item ($patch: replace)
                {
                    result[at] = merged;
                }
            }
            else if (merged != null)
            {
                result.Add(merged);
            }
        }

        return result;
    }

    // The list in the order $setElementOrder gives (by merge key, or by value for strings), then what it does not name.
    private static JsonArray Ordered(JsonArray list, JsonArray order, ListOf? schema)
    {
        string? key = schema?.MapKeys.FirstOrDefault();
        JsonNode? Identity(JsonNode? item) => key != null && item is JsonObject o ? o[key] : item;
        var items = list.Select(i => i?.DeepClone()).ToList();
        var named = new List<JsonNode?>();
        foreach (JsonNode? wanted in order)
        {
            int at = items.FindIndex(i => JsonNode.DeepEquals(Identity(i), Identity(wanted)));
            if (at >= 0)
            {
                named.Add(items[at]);
                items.RemoveAt(at);
            }
        }

        return new JsonArray([.. named, .. items]);
    }

    private static void DeleteValues(JsonArray? list, JsonArray values)
    {
        if (list is null)
        {
            return;
        }

        for (int i = list.Count - 1; i >= 0; i--)
        {
            if (values.Any(v => JsonNode.DeepEquals(v, list[i])))
            {
                list.RemoveAt(i);
            }
        }
    }

    private static int IndexOf(JsonArray list, string key, JsonNode value)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonObject o && JsonNode.DeepEquals(o[key], value))
            {
                return i;
            }
        }

        return -1;
    }

    // The type of an object's member: a struct's field, a map's values; null where the schema does not say.
    private static FieldType? MemberType(FieldType? schema, string name) => schema switch
    {
        TypeRef r when ApiTypes.All.TryGetValue(r.Name, out ApiType? type) => type.Field(name)?.Type,
        MapOf m => m.Values,
        _ => null,
    };

    // A copy without directives, as what $patch: replace puts in place.
    private static JsonObject Stripped(JsonObject patch)
    {
        var copy = new JsonObject();
        foreach ((string name, JsonNode? value) in patch)
        {
            if (!name.StartsWith('$'))
            {
                copy[name] = value switch
                {
                    JsonObject o => Stripped(o),
                    JsonArray a => new JsonArray(a.Where(i => !(i is JsonObject d && d.Count == 1 && d[Directive] != null))
                        .Select(i => i is JsonObject o ? Stripped(o) : i?.DeepClone()).ToArray()),
                    _ => value?.DeepClone(),
                };
            }
        }

        return copy;
    }

    private static string Brief(JsonObject o)
    {
        string json = o.ToJsonString();
        return json.Length <= 80 ? json : json[..77] + "...";
    }
}
