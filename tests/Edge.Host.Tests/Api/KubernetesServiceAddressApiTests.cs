using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Controllers;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Api;

/// <summary>
/// The kubernetes service's address (10.96.0.1) through the API: no other Service may ask for
/// it, however it is written (create, apply, replace, patch), as kube-apiserver's allocator
/// refuses it; the kubernetes service itself may be written with it, and a Service that already
/// holds it (a store older than the rule) can still be edited.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class KubernetesServiceAddressApiTests() : ApiTest("kubernetes-address")
{
    private const string Mine = """
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "mine", "namespace": "default"},
         "spec": {"clusterIP": "10.96.0.1", "selector": {"app": "mine"}, "ports": [{"port": 80}]}}
        """;

    private static StringContent Json(string json, string type = "application/json") => new(json, Encoding.UTF8, type);

    private static async Task<(HttpStatusCode Code, string? Message)> Outcome(HttpResponseMessage response) =>
        (response.StatusCode, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]);

    [Fact]
    public async Task A_service_asking_for_the_address_is_422_Invalid_however_it_is_written()
    {
        var created = await Outcome(await Http.PostAsync("/api/v1/namespaces/default/services", Json(Mine)));
        var applied = await Outcome(await Http.PatchAsync("/api/v1/namespaces/default/services/mine?fieldManager=test", Json(Mine, ApiServer.ApplyContentType)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.Code);
        Assert.StartsWith("Service \"mine\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.1\"}: failed to allocate IP 10.96.0.1: provided IP is already allocated", created.Message);
        Assert.EndsWith("leave clusterIP out to get a free one", created.Message);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, applied.Code);
        Assert.Null(Store.Get("Service", "default", "mine"));

        // A Service that has another address may not move to it either.
        Assert.Equal(HttpStatusCode.Created, (await Http.PostAsync("/api/v1/namespaces/default/services", Json(Mine.Replace("10.96.0.1", "10.96.0.50")))).StatusCode);
        var moved = await Outcome(await Http.PatchAsync("/api/v1/namespaces/default/services/mine", Json("""{"spec": {"clusterIP": "10.96.0.1"}}""", ApiServer.MergePatchContentType)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, moved.Code);
        Assert.Equal("10.96.0.50", (string?)Store.Get("Service", "default", "mine")!.Spec!["clusterIP"]);
    }

    [Fact]
    public async Task The_kubernetes_service_itself_may_be_written_with_it()
    {
        string kubernetes = KubernetesService.Service(ControlPlane.Network, 7443).Json.ToJsonString();

        HttpResponseMessage applied = await Http.PatchAsync("/api/v1/namespaces/default/services/kubernetes?fieldManager=test", Json(kubernetes, ApiServer.ApplyContentType));

        Assert.Equal(HttpStatusCode.Created, applied.StatusCode);
    }

    [Fact]
    public async Task A_service_that_already_holds_it_can_still_be_labelled()
    {
        Store.Create(new KubeObject((JsonObject)JsonNode.Parse(Mine)!)); // from a store written before the rule

        HttpResponseMessage labelled = await Http.PatchAsync("/api/v1/namespaces/default/services/mine", Json("""{"metadata": {"labels": {"team": "a"}}}""", ApiServer.MergePatchContentType));

        Assert.Equal(HttpStatusCode.OK, labelled.StatusCode);
        Assert.Equal("a", Store.Get("Service", "default", "mine")!.Labels["team"]);
    }
}
