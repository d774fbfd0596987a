using System.Text.Json.Nodes;

namespace Edge.Host.Api;

/// <summary>
/// JSON patch (RFC 6902), what `kubectl rollout undo` sends (replace /spec/template and
/// /metadata/annotations) and `kubectl patch --type json`: a list of operations, each on the
/// member a JSON pointer (RFC 6901) names, applied in order; one that cannot apply fails the
/// whole patch. As kube-apiserver does, replace of a missing object member adds it.
/// </summary>
public static class JsonPatch
{
    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw Invalid("a JSON patch is a list of operations");
        }

        JsonNode document = target;
        foreach (JsonNode? operation in operations)
        {
            string op = (string?)operation?["op"] ?? throw Invalid("an operation has no \"op\"");
            string path = (string?)operation!["path"] ?? throw Invalid($"{op}: no \"path\"");
            switch (op)
            {
                case "add":
                    Add(document, path, Value(operation));
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path, missingIsFine: true);
                    Add(document, path, Value(operation));
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Find(document, path), Value(operation)))
                    {
                        throw Invalid($"testing value {path} failed");
                    }

                    break;
                case "move":
                case "copy":
                    string from = (string?)operation["from"] ?? throw Invalid($"{op}: no \"from\"");
                    JsonNode? value = Find(document, from)?.DeepClone();
                    if (op == "move")
                    {
                        Remove(document, from);
                    }

                    Add(document, path, value);
                    break;
                default:
                    throw Invalid($"Unexpected kind: {op}");
            }
        }

        return (JsonObject)document;
    }

    private static JsonNode? Value(JsonNode operation) =>
        operation.AsObject().TryGetPropertyValue("value", out JsonNode? value) ? value?.DeepClone() : throw Invalid($"{(string?)operation["op"]}: no \"value\"");

    private static void Add(JsonNode document, string path, JsonNode? value)
    {
        (JsonNode parent, string key) = Parent(document, path);
        switch (parent)
        {
            case JsonObject obj:
                obj[key] = value;
                break;
            case JsonArray array when key == "-":
                array.Add(value);
                break;
            case JsonArray array when int.TryParse(key, out int i) && i >= 0 && i <= array.Count:
                array.Insert(i, value);
                break;
            default:
                throw Invalid($"add operation does not apply: doc is missing path: \"{path}\"");
        }
    }

    private static void Remove(JsonNode document, string path, bool missingIsFine = false)
    {
        (JsonNode parent, string key) = Parent(document, path);
        bool removed = parent switch
        {
            JsonObject obj => obj.Remove(key),
            JsonArray array when int.TryParse(key, out int i) && i >= 0 && i < array.Count => RemoveAt(array, i),
            _ => false,
        };
        if (!removed && !(missingIsFine && parent is JsonObject))
        {
            throw Invalid($"remove operation does not apply: doc is missing path: \"{path}\"");
        }
    }

    private static bool RemoveAt(JsonArray array, int i)
    {
        array.RemoveAt(i);
        return true;
    }

    private static JsonNode? Find(JsonNode document, string path)
    {
        JsonNode? node = document;
        foreach (string token in Tokens(path))
        {
            node = node switch
            {
                JsonObject obj => obj[token],
                JsonArray array when int.TryParse(token, out int i) && i >= 0 && i < array.Count => array[i],
                _ => null,
            };
        }

        return node;
    }

    private static (JsonNode Parent, string Key) Parent(JsonNode document, string path)
    {
        List<string> tokens = Tokens(path);
        if (tokens.Count == 0)
        {
            throw Invalid("a patch cannot replace the whole object");
        }

        JsonNode parent = Find(document, "/" + string.Join('/', tokens.SkipLast(1).Select(Escape)))
            ?? throw Invalid($"doc is missing path: \"{path}\"");
        return (parent, tokens[^1]);
    }

    // "/spec/template" → ["spec", "template"]; "~1" is '/' and "~0" is '~' in a token.
    private static List<string> Tokens(string path) => path.Length == 0 ? [] :
        path[0] != '/' ? throw Invalid($"\"{path}\" is not a JSON pointer") :
        path[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).Where((t, i) => i > 0 || path.Length > 1).ToList();

    private static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");

    private static ApiException Invalid(string message) => new(422, "Invalid", message);
}
