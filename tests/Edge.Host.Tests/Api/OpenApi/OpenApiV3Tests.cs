using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Api.OpenApi;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Api.OpenApi;

/// <summary>The v3 documents, read as kubectl reads them: its verifier of fieldValidation, explain's template.</summary>
[Trait("Category", Category.Unit)]
public sealed class OpenApiV3Tests
{
    [Fact]
    public void The_index_lists_every_group_version_with_its_documents_current_hash()
    {
        JsonNode index = JsonNode.Parse(OpenApiV3.Index.Bytes)!;

        Assert.Equal(["api/v1", "apis/apps/v1", "apis/discovery.k8s.io/v1", "apis/edge.dev/v1", "apis/networking.k8s.io/v1"], index["paths"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        string url = (string)index["paths"]!["apis/apps/v1"]!["serverRelativeURL"]!;
        Assert.Equal("/openapi/v3/apis/apps/v1?hash=" + OpenApiV3.For("apis/apps/v1")!.Hash, url);
        Assert.Matches("^[0-9A-F]{128}$", OpenApiV3.For("apis/apps/v1")!.Hash);
    }

    [Fact]
    public void Every_kinds_PATCH_says_the_server_validates_fields_as_kubectls_verifier_looks_for_it()
    {
        foreach (KindInfo kind in KindInfo.All)
        {
            JsonNode document = Document(kind.ApiVersion);
            // QueryParamVerifierV3: a path whose patch operation has the kind's x-kubernetes-group-version-kind and a fieldValidation parameter.
            JsonNode? patch = document["paths"]!.AsObject().Select(p => p.Value!["patch"]).FirstOrDefault(op =>
                (string?)op?["x-kubernetes-group-version-kind"]?["kind"] == kind.Kind
                && (string?)op?["x-kubernetes-group-version-kind"]?["version"] == kind.ApiVersion.Split('/')[^1]
                && (string?)op?["x-kubernetes-group-version-kind"]?["group"] == ApiTypes.Group(kind.ApiVersion));
            Assert.True(patch != null, kind.Kind);
            Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation" && (string?)p["in"] == "query");
        }
    }

    [Fact]
    public void A_kinds_schema_carries_its_group_version_kind_and_every_reference_resolves()
    {
        JsonNode document = Document("apps/v1");
        JsonObject schemas = document["components"]!["schemas"]!.AsObject();

        JsonNode deployment = schemas["io.k8s.api.apps.v1.Deployment"]!;
        Assert.Equal("""[{"group":"apps","kind":"Deployment","version":"v1"}]""", deployment["x-kubernetes-group-version-kind"]!.ToJsonString());
        Assert.Equal("#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec", (string?)deployment["properties"]!["spec"]!["allOf"]![0]!["$ref"]);
        Assert.NotNull(schemas["io.k8s.api.autoscaling.v1.Scale"]);
        Assert.Equal("""["name"]""", schemas["io.k8s.api.core.v1.PodSpec"]!["properties"]!["containers"]!["x-kubernetes-list-map-keys"]!.ToJsonString());
        foreach (string reference in References(document))
        {
            Assert.True(schemas.ContainsKey(reference["#/components/schemas/".Length..]), reference);
        }
    }

    [Fact]
    public void The_scale_subresource_is_described_as_an_autoscaling_v1_Scale()
    {
        JsonNode scale = Document("apps/v1")["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]!;

        Assert.Equal("""{"group":"autoscaling","kind":"Scale","version":"v1"}""", scale["patch"]!["x-kubernetes-group-version-kind"]!.ToJsonString());
        Assert.Equal(["namespace", "name"], scale["parameters"]!.AsArray().Select(p => (string)p!["name"]!));
    }

    private static JsonNode Document(string groupVersion) => JsonNode.Parse(Encoding.UTF8.GetString(OpenApiV3.For(OpenApiV3.PathOf(groupVersion))!.Bytes))!;

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(m => m.Key == "$ref" ? [(string)m.Value!] : References(m.Value)),
        JsonArray a => a.SelectMany(References),
        _ => [],
    };
}
