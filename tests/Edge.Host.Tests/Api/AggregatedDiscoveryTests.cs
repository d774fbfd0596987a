using System.Text.Json.Nodes;
using Edge.Host.Api;

namespace Edge.Host.Tests.Api;

/// <summary>
/// Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1, KEP-3352) as kubectl asks for it,
/// and made from the plain documents so that both say the same.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class AggregatedDiscoveryTests
{
    [Theory]
    [InlineData("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", "v2")] // kubectl 1.30+
    [InlineData("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", "v2beta1")] // 1.27-1.29
    [InlineData("application/json", null)]
    [InlineData(null, null)]
    [InlineData("application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList", null)]
    public void The_version_is_the_first_one_the_client_asks_for(string? accept, string? version) =>
        Assert.Equal(version, AggregatedDiscovery.Wanted(accept));

    [Fact]
    public void Every_plain_resource_is_in_the_aggregated_document_with_its_subresources_folded_in()
    {
        JsonObject core = AggregatedDiscovery.For("/api", "v2", "127.0.0.1:1")!;
        Assert.Equal(("APIGroupDiscoveryList", "apidiscovery.k8s.io/v2"), ((string?)core["kind"], (string?)core["apiVersion"]));
        JsonObject v1 = (JsonObject)core["items"]![0]!["versions"]![0]!;
        Assert.Equal(("", "v1", "Current"), ((string?)core["items"]![0]!["metadata"]!["name"], (string?)v1["version"], (string?)v1["freshness"]));
        string[] plain = Discovery.For("/api/v1", "127.0.0.1:1")!["resources"]!.AsArray().Select(r => (string)r!["name"]!).Where(n => !n.Contains('/')).Order().ToArray();
        JsonObject[] resources = v1["resources"]!.AsArray().OfType<JsonObject>().ToArray();
        Assert.Equal(plain, resources.Select(r => (string)r["resource"]!).Order().ToArray());

        JsonObject pods = resources.Single(r => (string?)r["resource"] == "pods");
        Assert.Equal(("Namespaced", "pod", "Pod"), ((string?)pods["scope"], (string?)pods["singularResource"], (string?)pods["responseKind"]!["kind"]));
        Assert.Contains("po", pods["shortNames"]!.AsArray().Select(n => (string?)n));
        JsonObject eviction = pods["subresources"]!.AsArray().OfType<JsonObject>().Single(s => (string?)s["subresource"] == "eviction");
        Assert.Equal(("policy", "v1", "Eviction"), ((string?)eviction["responseKind"]!["group"], (string?)eviction["responseKind"]!["version"], (string?)eviction["responseKind"]!["kind"]));
        Assert.Equal("Cluster", (string?)resources.Single(r => (string?)r["resource"] == "nodes")["scope"]);

        JsonObject groups = AggregatedDiscovery.For("/apis", "v2beta1", "127.0.0.1:1")!;
        Assert.Equal("apidiscovery.k8s.io/v2beta1", (string?)groups["apiVersion"]);
        JsonObject apps = groups["items"]!.AsArray().OfType<JsonObject>().Single(g => (string?)g["metadata"]!["name"] == "apps");
        JsonObject deployments = apps["versions"]![0]!["resources"]!.AsArray().OfType<JsonObject>().Single(r => (string?)r["resource"] == "deployments");
        Assert.Contains(deployments["subresources"]!.AsArray(), s => (string?)s!["subresource"] == "scale" && (string?)s!["responseKind"]!["group"] == "autoscaling");
        Assert.Null(AggregatedDiscovery.For("/api/v1", "v2", "127.0.0.1:1"));
    }
}
