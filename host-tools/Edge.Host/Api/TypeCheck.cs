using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Host.Api.OpenApi;

namespace Edge.Host.Api;

/// <summary>
/// Values of the wrong JSON type for their field (<c>replicas: "3"</c>, <c>containers: web</c>),
/// found from the kind's schema (<see cref="ApiTypes"/>) as kube-apiserver's decoder finds them,
/// and said in its words: a create or replace stops at the first, <c>json: cannot unmarshal
/// string into Go struct field DeploymentSpec.spec.replicas of type int32</c>. A manifest
/// (<c>edgectl apply</c>) hears of every one, by its line. Null is any type's empty value; values
/// Edge keeps as given, and Kubernetes' own scalars (IntOrString, Quantity, Time), are not checked.
/// </summary>
public static class TypeCheck
{
    /// <summary>A value of the wrong type: where (with indices, and as Go's decoder names it), the Go type wanted, and the JSON kind found.</summary>
    public sealed record Problem(string Path, string GoField, string GoType, string Found)
    {
        /// <summary>encoding/json's error for it.</summary>
        public string DecoderMessage => $"json: cannot unmarshal {Found} into Go struct field {GoField} of type {GoType}";

        /// <summary>The same in a workshop's words: what the field takes and what it was given.</summary>
        public string Plainly => $"must be {Wanted(GoType)}, not {Article(Found)}";
    }

    public static List<Problem> Problems(JsonObject obj, ApiType type)
    {
        var found = new List<Problem>();
        Struct(obj, type, "", "", found);
        return found;
    }

    /// <summary>kube-apiserver's refusal of a create, replace or patch whose object has a value of the wrong type (400 BadRequest).</summary>
    public static string DecodingMessage(string apiVersion, string kind, Problem first) =>
        $"{kind} in version \"{apiVersion.Split('/')[^1]}\" cannot be handled as a {kind}: {first.DecoderMessage}";

    private static void Struct(JsonObject obj, ApiType type, string path, string goPath, List<Problem> found)
    {
        string owner = Short(type.Name);
        foreach ((string name, JsonNode? value) in obj)
        {
            if (type.Field(name) is { } field)
            {
                string at = path.Length == 0 ? name : path + "." + name;
                string goAt = goPath.Length == 0 ? name : goPath + "." + name;
                Value(value, field.Type, at, goAt, owner, found);
            }
        }
    }

    private static void Value(JsonNode? value, FieldType type, string path, string goPath, string owner, List<Problem> found)
    {
        if (value is null)
        {
            return;
        }

        JsonValueKind kind = value.GetValueKind();
        switch (type)
        {
            case Primitive p when !Fits(value, kind, p):
                found.Add(new Problem(path, owner + "." + goPath, GoType(type), Found(value, kind, p)));
                break;
            case TypeRef r when ApiTypes.Get(r.Name) is { IsStruct: true } structType:
                if (value is JsonObject obj)
                {
                    Struct(obj, structType, path, goPath, found);
                }
                else
                {
                    found.Add(new Problem(path, owner + "." + goPath, GoType(type), Kind(kind)));
                }

                break;
            case ListOf list:
                if (value is JsonArray items)
                {
                    for (int i = 0; i < items.Count; i++)
                    {
                        Value(items[i], list.Items, $"{path}[{i}]", goPath, owner, found);
                    }
                }
                else
                {
                    found.Add(new Problem(path, owner + "." + goPath, GoType(type), Kind(kind)));
                }

                break;
            case MapOf map:
                if (value is JsonObject entries)
                {
                    foreach ((string key, JsonNode? entry) in entries)
                    {
                        Value(entry, map.Values, path + "." + key, goPath + "." + key, owner, found);
                    }
                }
                else
                {
                    found.Add(new Problem(path, owner + "." + goPath, GoType(type), Kind(kind)));
                }

                break;
        }
    }

    private static bool Fits(JsonNode value, JsonValueKind kind, Primitive p) => p.Type switch
    {
        "string" => kind == JsonValueKind.String,
        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
        // By its text, as Go's decoder reads it (a manifest's numbers come from YAML as doubles or longs).
        "integer" => kind == JsonValueKind.Number && (p.Format == "int32"
            ? int.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _)
            : long.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _)),
        "number" => kind == JsonValueKind.Number,
        _ => true,
    };

    // What Go's decoder says it found: the JSON kind, or "number 1.5" for a number that does not fit.
    private static string Found(JsonNode value, JsonValueKind kind, Primitive p) =>
        kind == JsonValueKind.Number && p.Type == "integer" ? "number " + value.ToJsonString() : Kind(kind);

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        _ => "object",
    };

    // Go's name of a field's type: int32, []v1.Container, map[string]string, v1.PodSpec.
    private static string GoType(FieldType type) => type switch
    {
        Primitive { Type: "string" } => "string",
        Primitive { Type: "boolean" } => "bool",
        Primitive { Type: "integer", Format: "int32" } => "int32",
        Primitive { Type: "integer" } => "int64",
        Primitive => "float64",
        TypeRef r => Package(r.Name) + "." + Short(r.Name),
        ListOf l => "[]" + GoType(l.Items),
        MapOf m => "map[string]" + GoType(m.Values),
        _ => "interface {}",
    };

    private static string Short(string typeName) => typeName[(typeName.LastIndexOf('.') + 1)..];

    private static string Package(string typeName)
    {
        string[] parts = typeName.Split('.');
        return parts.Length >= 2 ? parts[^2] : "";
    }

    private static string Wanted(string goType) => goType switch
    {
        "string" => "a string",
        "bool" => "true or false",
        "int32" or "int64" => "a whole number",
        "float64" => "a number",
        _ when goType.StartsWith("[]", StringComparison.Ordinal) => "a list",
        _ when goType.StartsWith("map[", StringComparison.Ordinal) => "a map of keys to values",
        _ => "an object (" + goType + ")",
    };

    private static string Article(string found) => found switch
    {
        "string" => "a string (quoted)",
        "array" => "a list",
        "object" => "an object",
        "bool" => "true or false",
        _ when found.StartsWith("number ", StringComparison.Ordinal) => found[7..],
        _ => "a " + found,
    };
}
