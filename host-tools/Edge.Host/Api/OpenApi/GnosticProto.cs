using System.Text.Json.Nodes;

namespace Edge.Host.Api.OpenApi;

/// <summary>
/// The v2 document as protobuf, the form client-go asks for
/// (<c>Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf</c>): messages of
/// gnostic's openapi_v2 schema (github.com/google/gnostic-models, OpenAPIv2.proto), which is how
/// kube-apiserver makes it too (JSON parsed by gnostic, then marshalled). Field numbers are
/// gnostic's; extensions (x-kubernetes-…) are NamedAny with their value as YAML text (JSON is
/// YAML). Only what <see cref="OpenApiV2"/> writes is known here: anything else is a bug, thrown.
/// </summary>
public static class GnosticProto
{
    public static byte[] Document(JsonObject swagger)
    {
        var w = new ProtoWriter();
        Members(w, swagger, 16, (key, value) =>
        {
            switch (key)
            {
                case "swagger": w.String(1, (string?)value); break;
                case "info": w.Message(2, info => Info(info, value.AsObject())); break;
                case "paths": w.Message(8, paths => Named(paths, 2, value, PathItem)); break;
                case "definitions": w.Message(9, definitions => Named(definitions, 1, value, Schema)); break;
                default: throw Unknown("Document", key);
            }
        });
        return w.ToArray();
    }

    private static void Info(ProtoWriter w, JsonObject o) => Members(w, o, 7, (key, value) =>
    {
        switch (key)
        {
            case "title": w.String(1, (string?)value); break;
            case "version": w.String(2, (string?)value); break;
            case "description": w.String(3, (string?)value); break;
            default: throw Unknown("Info", key);
        }
    });

    private static void PathItem(ProtoWriter w, JsonObject o) => Members(w, o, 10, (key, value) =>
    {
        int field = key switch { "get" => 2, "put" => 3, "post" => 4, "delete" => 5, "options" => 6, "head" => 7, "patch" => 8, "parameters" => 9, _ => throw Unknown("PathItem", key) };
        if (field == 9)
        {
            Each(value, p => w.Message(9, item => ParametersItem(item, p)));
        }
        else
        {
            w.Message(field, operation => Operation(operation, value.AsObject()));
        }
    });

    private static void Operation(ProtoWriter w, JsonObject o) => Members(w, o, 13, (key, value) =>
    {
        switch (key)
        {
            case "tags": w.Strings(1, Texts(value)); break;
            case "summary": w.String(2, (string?)value); break;
            case "description": w.String(3, (string?)value); break;
            case "operationId": w.String(5, (string?)value); break;
            case "produces": w.Strings(6, Texts(value)); break;
            case "consumes": w.Strings(7, Texts(value)); break;
            case "parameters": Each(value, p => w.Message(8, item => ParametersItem(item, p))); break;
            case "responses": w.Message(9, responses => Named(responses, 1, value, ResponseValue)); break;
            case "schemes": w.Strings(10, Texts(value)); break;
            case "deprecated": w.Bool(11, (bool)value); break;
            default: throw Unknown("Operation", key);
        }
    });

    // ParametersItem: a reference (JsonReference, 2) or a Parameter (1): a body parameter (1) or
    // one of the others (NonBodyParameter, 2: header 1, formData 2, query 3, path 4).
    private static void ParametersItem(ProtoWriter w, JsonObject o)
    {
        if (o["$ref"] is JsonNode reference)
        {
            w.Message(2, r => r.String(1, (string?)reference));
            return;
        }

        string where = (string?)o["in"] ?? throw new FormatException("a parameter without \"in\"");
        w.Message(1, parameter =>
        {
            if (where == "body")
            {
                parameter.Message(1, body => BodyParameter(body, o));
                return;
            }

            int kind = where switch { "header" => 1, "formData" => 2, "query" => 3, "path" => 4, _ => throw Unknown("Parameter.in", where) };
            parameter.Message(2, nonBody => nonBody.Message(kind, sub => NonBodyParameter(sub, o, where)));
        });
    }

    private static void BodyParameter(ProtoWriter w, JsonObject o) => Members(w, o, 6, (key, value) =>
    {
        switch (key)
        {
            case "description": w.String(1, (string?)value); break;
            case "name": w.String(2, (string?)value); break;
            case "in": w.String(3, (string?)value); break;
            case "required": w.Bool(4, (bool)value); break;
            case "schema": w.Message(5, schema => Schema(schema, value.AsObject())); break;
            default: throw Unknown("BodyParameter", key);
        }
    });

    // Query and path parameters share their first four fields; from type on, a path parameter's
    // numbers are one lower (it has no allowEmptyValue).
    private static void NonBodyParameter(ProtoWriter w, JsonObject o, string where)
    {
        int shift = where == "path" ? 1 : 0;
        Members(w, o, where == "path" ? 22 : 23, (key, value) =>
        {
            switch (key)
            {
                case "required": w.Bool(1, (bool)value); break;
                case "in": w.String(2, (string?)value); break;
                case "description": w.String(3, (string?)value); break;
                case "name": w.String(4, (string?)value); break;
                case "type": w.String(6 - shift, (string?)value); break;
                case "format": w.String(7 - shift, (string?)value); break;
                case "uniqueItems": w.Bool(20 - shift, (bool)value); break;
                default: throw Unknown("NonBodyParameter", key);
            }
        });
    }

    // ResponseValue: a Response (1) or a reference (2).
    private static void ResponseValue(ProtoWriter w, JsonObject o) => w.Message(1, response => Members(response, o, 5, (key, value) =>
    {
        switch (key)
        {
            case "description": response.String(1, (string?)value); break;
            case "schema": response.Message(2, item => item.Message(1, schema => Schema(schema, value.AsObject()))); break;
            default: throw Unknown("Response", key);
        }
    }));

    private static void Schema(ProtoWriter w, JsonObject o) => Members(w, o, 31, (key, value) =>
    {
        switch (key)
        {
            case "$ref": w.String(1, (string?)value); break;
            case "format": w.String(2, (string?)value); break;
            case "title": w.String(3, (string?)value); break;
            case "description": w.String(4, (string?)value); break;
            case "uniqueItems": w.Bool(16, (bool)value); break;
            case "required": w.Strings(19, Texts(value)); break;
            case "additionalProperties" when value is JsonObject schema: w.Message(21, item => item.Message(1, s => Schema(s, schema))); break;
            case "additionalProperties": w.Message(21, item => item.Bool(2, (bool)value)); break;
            case "type": w.Message(22, type => type.Strings(1, value is JsonArray ? Texts(value) : [(string)value!])); break;
            case "items" when value is JsonArray many: w.Message(23, items => Each(many, s => items.Message(1, i => Schema(i, s)))); break;
            case "items": w.Message(23, items => items.Message(1, s => Schema(s, value.AsObject()))); break;
            case "allOf": Each(value, s => w.Message(24, all => Schema(all, s))); break;
            case "properties": w.Message(25, properties => Named(properties, 1, value, Schema)); break;
            default: throw Unknown("Schema", key);
        }
    });

    /// <summary>A JSON object's members as repeated Named* messages: name 1, value 2.</summary>
    private static void Named(ProtoWriter w, int field, JsonNode map, Action<ProtoWriter, JsonObject> value)
    {
        foreach ((string name, JsonNode? member) in map.AsObject())
        {
            w.Message(field, named =>
            {
                named.String(1, name);
                named.Message(2, v => value(v, member!.AsObject()));
            });
        }
    }

    /// <summary>Each member to <paramref name="member"/>, but the extensions (x-…): NamedAny at <paramref name="extensionField"/>.</summary>
    private static void Members(ProtoWriter w, JsonObject o, int extensionField, Action<string, JsonNode> member)
    {
        foreach ((string key, JsonNode? value) in o)
        {
            if (key.StartsWith("x-", StringComparison.Ordinal))
            {
                w.Message(extensionField, named =>
                {
                    named.String(1, key);
                    named.Message(2, any => any.String(2, value?.ToJsonString() ?? "null"));
                });
            }
            else if (value != null)
            {
                member(key, value);
            }
        }
    }

    private static void Each(JsonNode list, Action<JsonObject> item)
    {
        foreach (JsonNode? node in list.AsArray())
        {
            item(node!.AsObject());
        }
    }

    private static IEnumerable<string> Texts(JsonNode list) => list.AsArray().Select(n => (string)n!);

    private static ArgumentException Unknown(string message, string key) => new($"{message} has no field {key} in gnostic's OpenAPI v2 schema (or this encoder does not know it yet)");
}
