using System.Text.Json;
using System.Text.Json.Nodes;

namespace Edge.Host.Api;

/// <summary>
/// A request body read as Kubernetes reads one: a member given twice keeps its last value (Go's
/// encoding/json), and each repeat is reported by its path (<c>spec.replicas</c>,
/// <c>spec.containers[0].image</c>) for field validation to warn of or refuse.
/// </summary>
public static class StrictJson
{
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static JsonNode? Parse(ReadOnlyMemory<byte> utf8, List<string> duplicates)
    {
        using JsonDocument document = JsonDocument.Parse(utf8);
        return Node(document.RootElement, "", duplicates);
    }

    private static JsonNode? Node(JsonElement element, string path, List<string> duplicates)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (JsonProperty member in element.EnumerateObject())
                {
                    string at = path.Length == 0 ? member.Name : path + "." + member.Name;
                    if (obj.Remove(member.Name))
                    {
                        duplicates.Add(at);
                    }

                    obj[member.Name] = Node(member.Value, at, duplicates);
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    array.Add(Node(item, $"{path}[{i++}]", duplicates));
                }

                return array;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element.Clone());
        }
    }
}
