using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Api.OpenApi;

namespace Edge.Host.Tests.Api.OpenApi;

/// <summary>The OpenAPI documents over HTTP as kube-apiserver serves them: negotiation, ETags, hashed URLs.</summary>
[Trait("Category", Category.Unit)]
public sealed class OpenApiEndpointTests() : ApiTest("api-openapi")
{
    // Redirects are what is tested: the client must see them, not follow them.
    protected override HttpMessageHandler Handler() => new HttpClientHandler { AllowAutoRedirect = false };

    [Fact]
    public async Task V2_is_protobuf_for_client_go_and_JSON_for_whoever_asks_for_JSON()
    {
        using var protobuf = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        protobuf.Headers.TryAddWithoutValidation("Accept", OpenApiV2.ProtobufContentTypeAccepted);
        using var xml = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        xml.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));

        HttpResponseMessage asProtobuf = await Http.SendAsync(protobuf);
        string json = await Http.GetStringAsync("/openapi/v2");
        HttpResponseMessage refused = await Http.SendAsync(xml);

        Assert.Equal(OpenApiV2.ProtobufContentType, asProtobuf.Content.Headers.ContentType!.MediaType);
        Assert.Equal(OpenApiV2.Protobuf.Bytes, await asProtobuf.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{OpenApiV2.Protobuf.Hash}\"", asProtobuf.Headers.ETag!.Tag);
        Assert.Equal("2.0", (string?)JsonNode.Parse(json)!["swagger"]);
        Assert.Equal(HttpStatusCode.NotAcceptable, refused.StatusCode);
    }

    [Fact]
    public async Task A_v3_document_at_its_current_hash_is_cached_for_a_year_and_an_old_hash_redirects()
    {
        Served apps = OpenApiV3.For("apis/apps/v1")!;

        HttpResponseMessage current = await Http.GetAsync("/openapi/v3/apis/apps/v1?hash=" + apps.Hash);
        HttpResponseMessage old = await Http.GetAsync("/openapi/v3/apis/apps/v1?hash=0123");
        HttpResponseMessage missing = await Http.GetAsync("/openapi/v3/apis/batch/v1");

        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal("public, immutable", current.Headers.CacheControl!.ToString());
        Assert.Equal(apps.Bytes, await current.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
        Assert.Equal("/openapi/v3/apis/apps/v1?hash=" + apps.Hash, old.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_unchanged_document_is_not_sent_again()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v3");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{OpenApiV3.Index.Hash}\""));

        HttpResponseMessage response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Theory]
    [InlineData("application/json", "application/json")]
    [InlineData("", "application/json")]
    [InlineData("application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")]
    [InlineData("application/com.github.proto-openapi.spec.v2@v1.0+protobuf;q=0.5, application/json", "application/json")]
    [InlineData("application/xml", null)]
    public void Negotiation_takes_the_most_preferred_type_served(string accept, string? served) =>
        Assert.Equal(served, OpenApiEndpoint.Negotiate(accept, OpenApiV2.ProtobufContentTypeAccepted, OpenApiV2.ProtobufContentType));
}
