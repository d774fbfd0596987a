using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Objects;

/// <summary>A pod's requests, limits and QoS class as Kubernetes reads them from its containers.</summary>
[Trait("Category", Category.Unit)]
public sealed class PodResourcesTests
{
    private static JsonObject Spec(params string[] containerResources) => new()
    {
        ["containers"] = new JsonArray(containerResources.Select((r, i) => (JsonNode)new JsonObject
        {
            ["name"] = $"c{i}", ["image"] = "whoami", ["resources"] = JsonNode.Parse(r),
        }).ToArray()),
    };

    [Fact]
    public void The_scheduler_counts_the_sum_of_the_containers_requests_a_limit_standing_in_for_a_missing_request()
    {
        JsonObject spec = Spec("""{"requests": {"cpu": "100m", "memory": "1Ki"}}""", """{"limits": {"cpu": "0.5", "memory": "2Ki"}}""", "{}");

        Assert.Equal((600L, 3072L), PodResources.Requests(spec));
        Assert.Equal((500L, 2048L), PodResources.Limits(spec));
    }

    [Fact]
    public void The_API_writes_a_limited_but_unrequested_resource_s_request_as_its_limit()
    {
        JsonObject spec = Spec("""{"limits": {"memory": "2Ki"}, "requests": {"cpu": "100m"}}""");

        PodResources.DefaultRequestsFromLimits(spec);

        Assert.Equal("""{"cpu":"100m","memory":"2Ki"}""", spec["containers"]![0]!["resources"]!["requests"]!.ToJsonString());
    }

    [Theory]
    [InlineData("{}", "BestEffort")]
    [InlineData("""{"requests": {"memory": "1Ki"}}""", "Burstable")]
    [InlineData("""{"limits": {"memory": "1Ki", "cpu": "100m"}}""", "Guaranteed")]
    [InlineData("""{"limits": {"memory": "1Ki", "cpu": "100m"}, "requests": {"memory": "1Ki", "cpu": "100m"}}""", "Guaranteed")]
    [InlineData("""{"limits": {"memory": "2Ki", "cpu": "100m"}, "requests": {"memory": "1Ki"}}""", "Burstable")]
    [InlineData("""{"limits": {"memory": "1Ki"}}""", "Burstable")]
    [InlineData("""{"limits": {"memory": "0", "cpu": "0"}}""", "BestEffort")]
    public void The_QoS_class_follows_from_requests_and_limits(string resources, string qos)
    {
        Assert.Equal(qos, PodResources.QosClass(Spec(resources)));
    }

    [Fact]
    public void One_best_effort_container_makes_a_guaranteed_pod_burstable()
    {
        Assert.Equal("Burstable", PodResources.QosClass(Spec("""{"limits": {"memory": "1Ki", "cpu": "100m"}}""", "{}")));
    }

    [Fact]
    public void Validation_says_what_kube_apiserver_says_of_wrong_quantities_names_and_a_request_above_its_limit()
    {
        JsonObject spec = Spec(
            """{"requests": {"memory": "64MB", "cpu": "-1"}}""",
            """{"requests": {"memory": "4Ki", "gpu": "1"}, "limits": {"memory": "2Ki"}}""");

        Assert.Equal(
        [
            "spec.containers[0].resources.requests[memory]: Invalid value: \"64MB\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            "spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
            "spec.containers[1].resources.requests: Invalid value: \"gpu\": must be a standard resource type or fully qualified",
            "spec.containers[1].resources.requests: Invalid value: \"4Ki\": must be less than or equal to memory limit of 2Ki",
        ], PodResources.LimitProblems(spec, "spec"));
    }

    [Fact]
    public void Quantities_past_any_board_saturate_instead_of_overflowing()
    {
        JsonObject spec = Spec("""{"requests": {"cpu": "1e18", "memory": "8Ei"}}""", """{"requests": {"cpu": "1e18", "memory": "8Ei"}}""");

        Assert.Equal((long.MaxValue, long.MaxValue), PodResources.Requests(spec));
    }

    [Fact]
    public void A_bare_number_in_YAML_is_a_quantity_too()
    {
        JsonObject spec = Spec("""{"requests": {"cpu": 1, "memory": 2048}}""");

        Assert.Equal((1000L, 2048L), PodResources.Requests(spec));
        Assert.Empty(PodResources.LimitProblems(spec, "spec"));
    }
}
