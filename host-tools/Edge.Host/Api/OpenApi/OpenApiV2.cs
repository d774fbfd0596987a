using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Api.OpenApi;

/// <summary>
/// The OpenAPI v2 document (Swagger 2.0) at <c>/openapi/v2</c>: every group version's paths and
/// every schema in one, as kube-apiserver serves it. kubectl 1.27 and 1.28 need it for their
/// default validation (they parse it before asking v3 whether the server validates fields) and
/// `kubectl explain --output plaintext-openapiv2` prints from it. client-go asks for it as
/// protobuf (<see cref="GnosticProto"/>); JSON is served to whoever asks for JSON.
/// </summary>
public static class OpenApiV2
{
    public const string ProtobufContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    /// <summary>The protobuf type as client-go spells it in Accept.</summary>
    public const string ProtobufContentTypeAccepted = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    private static readonly Lazy<JsonObject> Swagger = new(Document);
    private static readonly Lazy<Served> AsJson = new(() => Served.Json(Swagger.Value));
    private static readonly Lazy<Served> AsProtobuf = new(() => Served.Of(GnosticProto.Document(Swagger.Value)));

    public static Served Json => AsJson.Value;

    public static Served Protobuf => AsProtobuf.Value;

    public static JsonObject Document()
    {
        List<ApiOperation> operations = KindInfo.All.Select(k => k.ApiVersion).Distinct().SelectMany(ApiOperation.Of).ToList();
        var paths = new JsonObject();
        foreach (IGrouping<string, ApiOperation> path in operations.GroupBy(o => o.Path))
        {
            var item = new JsonObject();
            foreach (ApiOperation operation in path)
            {
                item[operation.Method] = Operation(operation);
            }

            item["parameters"] = new JsonArray(path.First().PathParameters().Select(p => (JsonNode)Parameter(p, "path")).ToArray());
            paths[path.Key] = item;
        }

        IEnumerable<string> roots = operations.SelectMany(o => new[] { o.BodyType, o.ResponseType }).OfType<string>().Distinct();
        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = ApiServer.KubernetesVersion },
            ["paths"] = paths,
            ["definitions"] = new JsonObject(ApiTypes.Reachable(roots).OrderBy(t => t.Name, StringComparer.Ordinal)
                .Select(t => KeyValuePair.Create(t.Name, (JsonNode?)SchemaJson.V2.Type(t)))),
        };
    }

    private static JsonObject Operation(ApiOperation o)
    {
        var parameters = new JsonArray();
        if (o.BodyType != null)
        {
            parameters.Add(new JsonObject { ["name"] = "body", ["in"] = "body", ["required"] = true, ["schema"] = SchemaJson.V2.Ref(o.BodyType) });
        }

        foreach (string query in o.Query)
        {
            parameters.Add(Parameter(query, "query"));
        }

        var responses = new JsonObject { ["200"] = Response("OK", o.ResponseType) };
        if (o.Method == "post")
        {
            responses["201"] = Response("Created", o.ResponseType);
        }

        responses["401"] = new JsonObject { ["description"] = "Unauthorized" };
        return new JsonObject
        {
            ["description"] = o.Description,
            ["consumes"] = o.Method == "patch"
                ? new JsonArray(ApiServer.MergePatchContentType, ApiServer.ApplyYamlContentType)
                : new JsonArray("*/*"),
            ["produces"] = new JsonArray("application/json"),
            ["schemes"] = new JsonArray("https"),
            ["tags"] = new JsonArray(o.Tag),
            ["operationId"] = o.OperationId,
            ["parameters"] = parameters,
            ["responses"] = responses,
            ["x-kubernetes-action"] = o.Action,
            ["x-kubernetes-group-version-kind"] = SchemaJson.GroupVersionKind(o.ApiVersion, o.Kind),
        };
    }

    private static JsonObject Response(string description, string type) => new() { ["description"] = description, ["schema"] = SchemaJson.V2.Ref(type) };

    private static JsonObject Parameter(string name, string @in)
    {
        var parameter = new JsonObject
        {
            ["uniqueItems"] = true,
            ["type"] = @in == "path" ? "string" : ApiOperation.Parameters[name].Type,
            ["description"] = @in == "path" ? ApiOperation.PathParameterDescription(name) : ApiOperation.Parameters[name].Description,
            ["name"] = name,
            ["in"] = @in,
        };
        if (@in == "path")
        {
            parameter["required"] = true;
        }

        return parameter;
    }
}
