using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Cluster;
using Edge.Host.Tests.Api;

namespace Edge.Host.Tests.Ingress;

/// <summary>IngressClass and Ingress through the API as kubectl meets them: discovery, its columns, the API server's refusals.</summary>
[Trait("Category", Category.Unit)]
public sealed class IngressApiTests() : ApiTest("ingress")
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task IngressClass_is_a_cluster_scoped_kind_of_networking_k8s_io_without_a_short_name()
    {
        JsonNode resources = JsonNode.Parse(await Http.GetStringAsync("/apis/networking.k8s.io/v1"))!;

        JsonNode ingressClasses = resources["resources"]!.AsArray().Single(r => (string?)r!["name"] == "ingressclasses")!;
        Assert.Equal(("IngressClass", false, "ingressclass"), ((string?)ingressClasses["kind"], (bool)ingressClasses["namespaced"]!, (string?)ingressClasses["singularName"]));
        Assert.Null(ingressClasses["shortNames"]);
    }

    [Fact]
    public async Task kubectl_get_ingressclass_gets_kubectls_columns()
    {
        HttpResponseMessage created = await Http.PostAsync("/apis/networking.k8s.io/v1/ingressclasses", Json("""
            {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "external"},
             "spec": {"controller": "k8s.io/ingress-nginx", "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"}}}
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Store.Create(DefaultIngressClass.New());

        var request = new HttpRequestMessage(HttpMethod.Get, "/apis/networking.k8s.io/v1/ingressclasses");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(ServerSidePrinting.ContentType));
        JsonNode table = JsonNode.Parse(await (await Http.SendAsync(request)).Content.ReadAsStringAsync())!;

        Assert.Equal(["NAME", "CONTROLLER", "PARAMETERS", "AGE"], table["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!));
        List<string[]> rows = table["rows"]!.AsArray().Select(r => r!["cells"]!.AsArray().Select(c => (string)c!).ToArray()).ToList();
        Assert.Equal(["edge", "edge.dev/ingress-controller", "<none>"], rows[0][..3]);
        Assert.Equal(["external", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb"], rows[1][..3]);
    }

    [Fact]
    public async Task An_ingress_Kubernetes_would_refuse_is_refused_in_kube_apiservers_words()
    {
        HttpResponseMessage created = await Http.PostAsync("/apis/networking.k8s.io/v1/namespaces/default/ingresses", Json("""
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"},
             "spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Foo", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        JsonNode status = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.Equal("Ingress.networking.k8s.io \"web\" is invalid: spec.rules[0].http.paths[0].pathType: Unsupported value: \"Foo\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"",
            (string?)status["message"]);
    }
}
