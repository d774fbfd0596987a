using System.Text.Json.Nodes;

namespace Edge.Host.Api;

/// <summary>
/// JSON merge patch (RFC 7386), what `kubectl label`, `annotate` and `patch --type merge` send:
/// an object in the patch merges into the target's member by member, null removes a member,
/// anything else replaces what was there.
/// </summary>
public static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members)
        {
            return patch?.DeepClone();
        }

        JsonObject result = target as JsonObject ?? new JsonObject();
        foreach ((string name, JsonNode? value) in members)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else if (value is JsonObject && result[name] is JsonObject existing)
            {
                Apply(existing, value); // merged in place
            }
            else
            {
                result[name] = Apply(null, value); // a copy of the patch's value (its nulls taken out)
            }
        }

        return result;
    }
}
