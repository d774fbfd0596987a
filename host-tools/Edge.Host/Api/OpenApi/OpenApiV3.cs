using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Api.OpenApi;

/// <summary>
/// The OpenAPI v3 documents, as kube-apiserver serves them: at <c>/openapi/v3</c> an index of
/// group versions, each with the URL of its document and the document's hash in it
/// (<c>{"paths": {"apis/apps/v1": {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=…"}}}</c>),
/// and at <c>/openapi/v3/apis/apps/v1</c> that group version's paths, operations and schemas.
/// kubectl reads them to learn that the server validates fields itself (a PATCH operation with
/// a fieldValidation parameter for the object's kind), and `kubectl explain` prints from them.
/// The documents never change while Edge runs; each is made once.
/// </summary>
public static class OpenApiV3
{
    private static readonly Lazy<Dictionary<string, Served>> Documents = new(() =>
        KindInfo.All.Select(k => k.ApiVersion).Distinct()
            .ToDictionary(PathOf, gv => Served.Json(Document(gv))));

    private static readonly Lazy<Served> IndexDocument = new(() => Served.Json(new JsonObject
    {
        ["paths"] = new JsonObject(Documents.Value.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)new JsonObject
        {
            ["serverRelativeURL"] = UrlOf(d.Key, d.Value.Hash),
        }))),
    }));

    /// <summary>The index: every group version's document URL, hash included.</summary>
    public static Served Index => IndexDocument.Value;

    /// <summary>The document of a group version by its path ("api/v1", "apis/apps/v1"), or null.</summary>
    public static Served? For(string groupVersionPath) => Documents.Value.GetValueOrDefault(groupVersionPath);

    /// <summary>Where a group version's document is, with the hash that changes when it does.</summary>
    public static string UrlOf(string groupVersionPath, string hash) => $"/openapi/v3/{groupVersionPath}?hash={hash}";

    /// <summary>"api/v1" for v1, "apis/apps/v1" for apps/v1.</summary>
    public static string PathOf(string groupVersion) => (groupVersion.Contains('/') ? "apis/" : "api/") + groupVersion;

    /// <summary>A group version's document: its kinds' paths and operations, and every schema they reach.</summary>
    public static JsonObject Document(string groupVersion)
    {
        List<ApiOperation> operations = ApiOperation.Of(groupVersion).ToList();
        var paths = new JsonObject();
        foreach (IGrouping<string, ApiOperation> path in operations.GroupBy(o => o.Path))
        {
            var item = new JsonObject();
            foreach (ApiOperation operation in path)
            {
                item[operation.Method] = Operation(operation);
            }

            item["parameters"] = new JsonArray(path.First().PathParameters().Select(p => (JsonNode)PathParameter(p)).ToArray());
            paths[path.Key] = item;
        }

        IEnumerable<string> roots = operations.SelectMany(o => new[] { o.BodyType, o.ResponseType }).OfType<string>().Distinct();
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = ApiServer.KubernetesVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject(ApiTypes.Reachable(roots).OrderBy(t => t.Name, StringComparer.Ordinal)
                    .Select(t => KeyValuePair.Create(t.Name, (JsonNode?)SchemaJson.V3.Type(t)))),
            },
        };
    }

    private static JsonObject Operation(ApiOperation o)
    {
        var operation = new JsonObject
        {
            ["tags"] = new JsonArray(o.Tag),
            ["description"] = o.Description,
            ["operationId"] = o.OperationId,
            ["parameters"] = new JsonArray(o.Query.Select(q => (JsonNode)QueryParameter(q)).ToArray()),
        };
        if (o.BodyType != null)
        {
            string[] types = o.Method == "patch" ? [ApiServer.ApplyYamlContentType, ApiServer.MergePatchContentType] : ["*/*"];
            operation["requestBody"] = new JsonObject
            {
                ["content"] = new JsonObject(types.Select(t => KeyValuePair.Create(t, (JsonNode?)new JsonObject { ["schema"] = SchemaJson.V3.Ref(o.BodyType) }))),
                ["required"] = true,
            };
        }

        var responses = new JsonObject { ["200"] = Response("OK", o.ResponseType) };
        if (o.Method == "post")
        {
            responses["201"] = Response("Created", o.ResponseType);
        }

        responses["401"] = new JsonObject { ["description"] = "Unauthorized" };
        operation["responses"] = responses;
        operation["x-kubernetes-action"] = o.Action;
        operation["x-kubernetes-group-version-kind"] = SchemaJson.GroupVersionKind(o.ApiVersion, o.Kind);
        return operation;
    }

    private static JsonObject Response(string description, string type) => new()
    {
        ["description"] = description,
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = SchemaJson.V3.Ref(type) } },
    };

    private static JsonObject QueryParameter(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["description"] = ApiOperation.Parameters[name].Description,
        ["schema"] = new JsonObject { ["type"] = ApiOperation.Parameters[name].Type, ["uniqueItems"] = true },
    };

    private static JsonObject PathParameter(string name) => new()
    {
        ["name"] = name,
        ["in"] = "path",
        ["description"] = ApiOperation.PathParameterDescription(name),
        ["required"] = true,
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };
}
