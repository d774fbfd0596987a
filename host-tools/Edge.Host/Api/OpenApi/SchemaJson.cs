using System.Text.Json.Nodes;

namespace Edge.Host.Api.OpenApi;

/// <summary>
/// The catalogue's types as OpenAPI schemas, in the dialect of either document: v3 refers to
/// <c>#/components/schemas/NAME</c> and wraps a field's reference in allOf (so the field keeps
/// its own description, as Kubernetes' v3 documents do); v2 refers to <c>#/definitions/NAME</c>
/// with the description beside the reference. The Kubernetes extensions go along: a kind's
/// x-kubernetes-group-version-kind, a list's x-kubernetes-list-type and map keys (and the
/// strategic merge patch key), x-kubernetes-preserve-unknown-fields where Edge keeps an object as given.
/// </summary>
public sealed class SchemaJson(bool v3)
{
    public static readonly SchemaJson V3 = new(true);
    public static readonly SchemaJson V2 = new(false);

    private string RefPrefix => v3 ? "#/components/schemas/" : "#/definitions/";

    public string RefTo(string typeName) => RefPrefix + typeName;

    /// <summary>A reference to a type, as a request body or a response names it.</summary>
    public JsonObject Ref(string typeName) => new() { ["$ref"] = RefTo(typeName) };

    public JsonObject Type(ApiType type)
    {
        var schema = new JsonObject { ["description"] = type.Description };
        if (type.Scalar is { } scalar)
        {
            schema["type"] = scalar.Type;
            if (scalar.Format != null)
            {
                schema["format"] = scalar.Format;
            }

            return schema;
        }

        schema["type"] = "object";
        if (type.Fields == null)
        {
            schema["x-kubernetes-preserve-unknown-fields"] = true;
            return schema;
        }

        var properties = new JsonObject();
        foreach (ApiField field in type.Fields)
        {
            JsonObject property = Field(field.Type);
            property["description"] = field.Description;
            properties[field.Name] = property;
        }

        schema["properties"] = properties;
        string[] required = type.Fields.Where(f => f.Required).Select(f => f.Name).ToArray();
        if (required.Length > 0)
        {
            schema["required"] = new JsonArray(required.Select(r => (JsonNode)r).ToArray());
        }

        if (ApiTypes.KindOf(type.Name) is var (apiVersion, kind))
        {
            schema["x-kubernetes-group-version-kind"] = new JsonArray(GroupVersionKind(apiVersion, kind));
        }

        return schema;
    }

    /// <summary>{"group", "kind", "version"}, as operations and kinds name what they are about.</summary>
    public static JsonObject GroupVersionKind(string apiVersion, string kind) => new()
    {
        ["group"] = ApiTypes.Group(apiVersion),
        ["kind"] = kind,
        ["version"] = apiVersion.Split('/')[^1],
    };

    private JsonObject Field(FieldType type)
    {
        switch (type)
        {
            case Primitive p:
                var primitive = new JsonObject { ["type"] = p.Type };
                if (p.Format != null)
                {
                    primitive["format"] = p.Format;
                }

                return primitive;
            case TypeRef r:
                return v3 ? new JsonObject { ["allOf"] = new JsonArray(Ref(r.Name)) } : Ref(r.Name);
            case MapOf m:
                return new JsonObject { ["type"] = "object", ["additionalProperties"] = Field(m.Values) };
            case ListOf l:
                var list = new JsonObject { ["type"] = "array", ["items"] = Field(l.Items) };
                if (l.MapKeys.Length > 0)
                {
                    list["x-kubernetes-list-map-keys"] = new JsonArray(l.MapKeys.Select(k => (JsonNode)k).ToArray());
                    list["x-kubernetes-list-type"] = "map";
                    list["x-kubernetes-patch-merge-key"] = l.MapKeys[0];
                    list["x-kubernetes-patch-strategy"] = "merge";
                }
                else if (l.MergesValues)
                {
                    list["x-kubernetes-list-type"] = "set";
                    list["x-kubernetes-patch-strategy"] = "merge";
                }
                else
                {
                    list["x-kubernetes-list-type"] = "atomic";
                }

                return list;
            default:
                throw new ArgumentException($"no schema for {type}", nameof(type));
        }
    }
}
