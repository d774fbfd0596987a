using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Api;

namespace Edge.Host.Tests.Api;

/// <summary>?fieldValidation on writes, as kubectl's --validate sends it: Strict refuses, Warn warns, Ignore drops.</summary>
[Trait("Category", Category.Unit)]
public sealed class FieldValidationApiTests() : ApiTest("api-validation")
{
    private const string Pod = """
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
         "spec": {"containers": [{"name": "main", "image": "whoami", "imagePullPolicyy": "Always"}]}}
        """;

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Strict_refuses_an_unknown_field_with_kube_apiservers_strict_decoding_error()
    {
        HttpResponseMessage response = await Http.PostAsync("/api/v1/namespaces/default/pods?fieldValidation=Strict", JsonBody(Pod));

        JsonNode status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadRequest", (string?)status["reason"]);
        Assert.Equal("Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].imagePullPolicyy\"", (string?)status["message"]);
        Assert.Null(Store.Get("Pod", "default", "web"));
    }

    [Fact]
    public async Task Strict_refuses_a_field_given_twice()
    {
        string twice = Pod.Replace("\"imagePullPolicyy\": \"Always\"", "\"image\": \"hello\"");

        HttpResponseMessage response = await Http.PostAsync("/api/v1/namespaces/default/pods?fieldValidation=Strict", JsonBody(twice));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.EndsWith("strict decoding error: duplicate field \"spec.containers[0].image\"", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]);
    }

    [Fact]
    public async Task Warn_the_default_stores_the_object_without_the_field_and_says_so_in_a_Warning_header()
    {
        HttpResponseMessage response = await Http.PostAsync("/api/v1/namespaces/default/pods", JsonBody(Pod));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["299 - \"unknown field \\\"spec.containers[0].imagePullPolicyy\\\"\""], response.Headers.GetValues("Warning"));
        Assert.Null(Store.Get("Pod", "default", "web")!.Spec!["containers"]![0]!["imagePullPolicyy"]);
    }

    [Fact]
    public async Task Ignore_stores_the_object_without_the_field_and_without_a_word()
    {
        HttpResponseMessage response = await Http.PostAsync("/api/v1/namespaces/default/pods?fieldValidation=Ignore", JsonBody(Pod));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(response.Headers.Contains("Warning"));
        Assert.Equal("whoami", (string?)Store.Get("Pod", "default", "web")!.Spec!["containers"]![0]!["image"]);
    }

    [Fact]
    public async Task A_replace_is_validated_as_a_create()
    {
        await Http.PostAsync("/api/v1/namespaces/default/pods", JsonBody(Pod));

        HttpResponseMessage response = await Http.PutAsync("/api/v1/namespaces/default/pods/web?fieldValidation=Strict", JsonBody(Pod));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Server_side_apply_refuses_an_unknown_field_whatever_the_directive_as_Kubernetes_does()
    {
        const string yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: main\n    image: whoami\n    imagePullPolicyy: Always\n";

        HttpResponseMessage response = await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldManager=kubectl&fieldValidation=Ignore",
            new StringContent(yaml, Encoding.UTF8, ApiServer.ApplyYamlContentType));

        JsonNode status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("", (string?)status["reason"]);
        Assert.Equal("failed to create typed patch object (default/web; /v1, Kind=Pod): .spec.containers[name=\"main\"].imagePullPolicyy: field not declared in schema", (string?)status["message"]);
    }

    [Fact]
    public async Task A_merge_patch_that_adds_an_unknown_field_is_invalid_under_Strict_and_warned_of_otherwise()
    {
        await Http.PostAsync("/api/v1/namespaces/default/pods?fieldValidation=Ignore", JsonBody(Pod));
        StringContent Patch() => new("""{"spec": {"foo": 1}, "metadata": {"labels": {"tier": "front"}}}""", Encoding.UTF8, ApiServer.MergePatchContentType);

        HttpResponseMessage strict = await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldValidation=Strict", Patch());
        HttpResponseMessage warned = await Http.PatchAsync("/api/v1/namespaces/default/pods/web", Patch());

        JsonNode status = JsonNode.Parse(await strict.Content.ReadAsStringAsync())!;
        Assert.Equal((HttpStatusCode)422, strict.StatusCode);
        Assert.Equal("Invalid", (string?)status["reason"]);
        Assert.StartsWith(" \"\" is invalid: patch: Invalid value: \"{\\\"apiVersion\\\":\\\"v1\\\"", (string?)status["message"]);
        Assert.EndsWith("\": strict decoding error: unknown field \"spec.foo\"", (string?)status["message"]);
        Assert.Equal(HttpStatusCode.OK, warned.StatusCode);
        Assert.Equal(["299 - \"unknown field \\\"spec.foo\\\"\""], warned.Headers.GetValues("Warning"));
        Assert.Equal("front", (string?)Store.Get("Pod", "default", "web")!.Labels["tier"]);
    }

    [Fact]
    public async Task Another_directive_is_a_bad_request()
    {
        HttpResponseMessage response = await Http.PostAsync("/api/v1/namespaces/default/pods?fieldValidation=strict", JsonBody(Pod));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
