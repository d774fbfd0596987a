using System.Text;
using System.Text.Json.Nodes;

namespace Edge.Host.Controllers;

/// <summary>
/// The pod-template-hash label, computed the way the Kubernetes deployment controller does:
/// FNV-1a (32-bit) over the template, its decimal digits spelled in the alphabet Kubernetes
/// uses for generated names (no vowels, no look-alikes), so names read like "web-5d4b9c7f8".
/// The template is hashed with its keys sorted, so re-applying a manifest with fields in
/// another order is not a rollout, and without members that say nothing (null, {}, []), so the
/// template `kubectl rollout undo` sends back (Go's typed round trip adds
/// `creationTimestamp: null` and `resources: {}`) has the hash of the revision it came from.
/// </summary>
public static class PodTemplateHash
{
    /// <summary>Kubernetes' alphabet for generated names: no vowels (no words), no 0/1/3 (look-alikes).</summary>
    public const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Of(JsonNode? template)
    {
        var canonical = new StringBuilder();
        Write(template, canonical);
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(canonical.ToString()))
        {
            hash = (hash ^ b) * 16777619;
        }

        return Spell(hash.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Five random letters for a pod name's suffix.</summary>
    public static string Suffix(Random random)
    {
        var chars = new char[5];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[random.Next(Alphabet.Length)];
        }

        return new string(chars);
    }

    private static string Spell(string digits)
    {
        var chars = new char[digits.Length];
        for (int i = 0; i < digits.Length; i++)
        {
            chars[i] = Alphabet[digits[i] % Alphabet.Length];
        }

        return new string(chars);
    }

    private static bool SaysNothing(JsonNode? node) => node switch
    {
        null => true,
        JsonObject obj => obj.All(p => SaysNothing(p.Value)),
        JsonArray array => array.Count == 0,
        _ => false,
    };

    private static void Write(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case JsonObject obj:
                text.Append('{');
                foreach (var (key, value) in obj.Where(p => !SaysNothing(p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(System.Text.Json.JsonSerializer.Serialize(key)).Append(':');
                    Write(value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                foreach (JsonNode? item in array)
                {
                    Write(item, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            case null:
                text.Append("null");
                break;
            default:
                text.Append(node.ToJsonString());
                break;
        }
    }
}
