using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Edge.Host.Objects;

/// <summary>
/// Reads whole numbers from object fields whatever backs them: a parsed JSON number, an int or
/// long set in code, or a quoted number (Kubernetes quantities such as allocatable.pods: "16").
/// </summary>
public static class JsonNumbers
{
    public static long? AsLong(JsonNode? node, bool allowQuoted = false)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.Number when long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) => n,
            JsonValueKind.String when allowQuoted && long.TryParse((string?)value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) => n,
            _ => null,
        };
    }

    public static int? AsInt(JsonNode? node, bool allowQuoted = false) =>
        AsLong(node, allowQuoted) is long n && n is >= int.MinValue and <= int.MaxValue ? (int)n : null;
}
