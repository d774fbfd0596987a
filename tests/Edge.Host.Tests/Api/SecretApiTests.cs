using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Tests.Ingress;

namespace Edge.Host.Tests.Api;

/// <summary>
/// Secrets through the API as kube-apiserver keeps them: stringData written into data (base64)
/// and not kept, so reading one back shows data alone, as `get secret -o yaml` shows it on
/// Kubernetes; a kubernetes.io/tls Secret without its keys refused in its words.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class SecretApiTests() : ApiTest("secrets")
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private const string Secrets = "/api/v1/namespaces/default/secrets";

    [Fact]
    public async Task StringData_is_written_into_data_as_base64_and_not_kept()
    {
        (string chain, _) = TlsTestSecrets.Pem("web.example.com");
        var body = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = "web-tls" }, ["type"] = "kubernetes.io/tls",
            ["data"] = new JsonObject { ["tls.crt"] = "b2xk", ["ca.crt"] = "Y2E=" },
            ["stringData"] = new JsonObject { ["tls.crt"] = chain, ["tls.key"] = "-----BEGIN PRIVATE KEY-----\n" },
        };
        Assert.Equal(HttpStatusCode.Created, (await Http.PostAsync(Secrets, Json(body.ToJsonString()))).StatusCode);

        JsonNode got = JsonNode.Parse(await Http.GetStringAsync(Secrets + "/web-tls"))!;

        Assert.Null(got["stringData"]);
        Assert.Equal(TlsTestSecrets.Base64(chain), (string?)got["data"]!["tls.crt"]); // stringData wins over data, as on Kubernetes
        Assert.Equal(TlsTestSecrets.Base64("-----BEGIN PRIVATE KEY-----\n"), (string?)got["data"]!["tls.key"]);
        Assert.Equal("Y2E=", (string?)got["data"]!["ca.crt"]);
    }

    [Fact]
    public async Task A_TLS_Secret_without_its_key_is_refused_as_kube_apiserver_refuses_it()
    {
        HttpResponseMessage created = await Http.PostAsync(Secrets, Json("""
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "web-tls"}, "type": "kubernetes.io/tls", "data": {"tls.crt": "b2xk"}}
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        Assert.Equal("Secret \"web-tls\" is invalid: data[tls.key]: Required value", (string?)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["message"]);
    }
}
