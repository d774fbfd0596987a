using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Host.Api.OpenApi;

namespace Edge.Host.Api;

/// <summary>
/// Server-side field validation, as kube-apiserver does it: a written object's fields are
/// checked against its kind's schema (<see cref="ApiTypes"/>), and each field the kind does not
/// have is taken out (the server keeps only what it knows) and reported by its path, in
/// Kubernetes' words for each way of writing: a create or replace's strict decoding error
/// (<c>unknown field "spec.containers[0].imagePull"</c>), server-side apply's typed patch error
/// (<c>.spec.containers[name="web"].imagePull: field not declared in schema</c>). Parts of an
/// object Edge keeps as given (a pod's affinity, statuses) take any field.
/// </summary>
public static class FieldValidation
{
    /// <summary>The directive of a request's fieldValidation parameter; Warn when not given.</summary>
    /// <exception cref="FormatException">Not one of Ignore, Warn, Strict.</exception>
    public static FieldValidationDirective Directive(string? value) => value switch
    {
        null or "" or "Warn" => FieldValidationDirective.Warn,
        "Ignore" => FieldValidationDirective.Ignore,
        "Strict" => FieldValidationDirective.Strict,
        _ => throw new FormatException($"fieldValidation: Unsupported value: \"{value}\": supported values: \"Ignore\", \"Warn\", \"Strict\""),
    };

    /// <summary>Takes out of <paramref name="obj"/> the fields its type does not have, and says where each was.</summary>
    public static List<UnknownField> RemoveUnknown(JsonObject obj, ApiType type)
    {
        var found = new List<UnknownField>();
        Struct(obj, type, "", "", found);
        return found;
    }

    /// <summary>The strict decoding problems of a create or replace, in kube-apiserver's words: duplicates, then unknown fields.</summary>
    public static List<string> Problems(IEnumerable<string> duplicates, IEnumerable<UnknownField> unknown) =>
        duplicates.Select(d => $"duplicate field \"{d}\"").Concat(unknown.Select(u => $"unknown field \"{u.Path}\"")).ToList();

    /// <summary>kube-apiserver's refusal of a create or replace with strict problems (a 400 BadRequest).</summary>
    public static string StrictDecodingMessage(string apiVersion, string kind, IEnumerable<string> problems) =>
        $"{kind} in version \"{apiVersion.Split('/')[^1]}\" cannot be handled as a {kind}: strict decoding error: {string.Join(", ", problems)}";

    /// <summary>
    /// kube-apiserver's refusal of a JSON merge patch whose result has strict problems (a 422
    /// Invalid of no kind and no name): the patched object, quoted, then the problems.
    /// </summary>
    public static string InvalidPatchMessage(JsonObject patched, IEnumerable<string> problems) =>
        $" \"\" is invalid: patch: Invalid value: {JsonSerializer.Serialize(patched.ToJsonString(), Relaxed)}: strict decoding error: {string.Join(", ", problems)}";

    /// <summary>A problem as a Warning header (RFC 7234: code 299, no agent, the text quoted), which kubectl prints as "Warning: TEXT".</summary>
    public static string WarningHeader(string problem) =>
        $"299 - \"{problem.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    /// <summary>kube-apiserver's refusal of a server-side apply with fields the kind does not have.</summary>
    public static string TypedPatchMessage(string apiVersion, string kind, string ns, string name, IReadOnlyList<UnknownField> unknown)
    {
        string group = ApiTypes.Group(apiVersion), version = apiVersion.Split('/')[^1];
        IEnumerable<string> errors = unknown.Select(u => $"{u.ApplyPath}: field not declared in schema");
        string detail = unknown.Count == 1 ? errors.Single() : "errors:\n  " + string.Join("\n  ", errors);
        return $"failed to create typed patch object ({ns}/{name}; {group}/{version}, Kind={kind}): {detail}";
    }

    private static void Struct(JsonObject obj, ApiType type, string path, string applyPath, List<UnknownField> found)
    {
        foreach ((string name, JsonNode? value) in obj.ToList())
        {
            string at = path.Length == 0 ? name : path + "." + name;
            if (type.Field(name) is not { } field)
            {
                found.Add(new UnknownField(at, applyPath + "." + name));
                obj.Remove(name);
                continue;
            }

            Value(value, field.Type, at, applyPath + "." + name, found);
        }
    }

    private static void Value(JsonNode? value, FieldType type, string path, string applyPath, List<UnknownField> found)
    {
        switch (type)
        {
            case TypeRef reference when value is JsonObject obj && ApiTypes.Get(reference.Name) is { IsStruct: true } structType:
                Struct(obj, structType, path, applyPath, found);
                break;
            case ListOf list when value is JsonArray items:
                for (int i = 0; i < items.Count; i++)
                {
                    Value(items[i], list.Items, $"{path}[{i}]", applyPath + ItemKey(items[i], list, i), found);
                }

                break;
            case MapOf map when value is JsonObject entries:
                foreach ((string key, JsonNode? entry) in entries.ToList())
                {
                    Value(entry, map.Values, path + "." + key, applyPath + "." + key, found);
                }

                break;
        }
    }

    /// <summary>
    /// An item's place as server-side apply names it: by its map keys in a keyed list
    /// (<c>[name="web"]</c>, <c>[containerPort=80,protocol="TCP"]</c>; a missing protocol is TCP,
    /// as Kubernetes defaults it), else by index.
    /// </summary>
    private static string ItemKey(JsonNode? item, ListOf list, int index)
    {
        if (list.MapKeys.Length == 0 || item is not JsonObject obj)
        {
            return $"[{index}]";
        }

        IEnumerable<string> keys = list.MapKeys
            .Select(k => (Key: k, Value: obj[k] ?? (k == "protocol" ? JsonValue.Create("TCP") : null)))
            .Where(k => k.Value != null)
            .Select(k => $"{k.Key}={k.Value!.ToJsonString(Relaxed)}");
        return "[" + string.Join(",", keys) + "]";
    }

    // Quotes and non-ASCII as they are (Go's %q and JSON encoding leave them readable).
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>A field an object's kind does not have: its path in strict decoding's words and in server-side apply's.</summary>
public sealed record UnknownField(string Path, string ApplyPath);
