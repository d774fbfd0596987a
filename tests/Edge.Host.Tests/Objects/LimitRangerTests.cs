using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Host.Tests.Objects;

/// <summary>
/// A namespace's LimitRanges at work on the pods created in it, as kube-apiserver's LimitRanger
/// admission plugin works: defaults written in (and said in an annotation), bounds enforced with
/// its words, the pod's QoS class in its status.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class LimitRangerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-limits-").FullName;
    private readonly ObjectStore _store;

    public LimitRangerTests()
    {
        _store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static KubeObject Range(string name, string limits, string ns = "default") => new((JsonObject)JsonNode.Parse($$$"""
        {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "{{{name}}}", "namespace": "{{{ns}}}"}, "spec": {"limits": {{{limits}}}}}
        """)!);

    private static KubeObject Pod(string name, string resources = "{}", string ns = "default") => new((JsonObject)JsonNode.Parse($$$"""
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "{{{name}}}", "namespace": "{{{ns}}}"},
         "spec": {"containers": [{"name": "app", "image": "whoami", "resources": {{{resources}}}}]}}
        """)!);

    private static string Resources(KubeObject pod) => pod.Spec!["containers"]![0]!["resources"]!.ToJsonString();

    [Fact]
    public void A_stored_range_gets_the_defaults_the_API_writes_max_to_default_default_to_defaultRequest()
    {
        KubeObject stored = _store.Create(Range("mem", """[{"type": "Container", "max": {"memory": "4Ki"}, "min": {"cpu": "10m"}}]"""));

        Assert.Equal("""{"memory":"4Ki"}""", stored.Spec!["limits"]![0]!["default"]!.ToJsonString());
        Assert.Equal("""{"memory":"4Ki","cpu":"10m"}""", stored.Spec!["limits"]![0]!["defaultRequest"]!.ToJsonString());
    }

    [Fact]
    public void A_container_without_limits_or_requests_gets_the_range_s_defaults_and_the_annotation_says_so()
    {
        _store.Create(Range("defaults", """[{"type": "Container", "default": {"memory": "2Ki", "cpu": "200m"}, "defaultRequest": {"memory": "1Ki", "cpu": "100m"}}]"""));

        KubeObject pod = _store.Create(Pod("web"));

        Assert.Equal("""{"limits":{"memory":"2Ki","cpu":"200m"},"requests":{"memory":"1Ki","cpu":"100m"}}""", Resources(pod));
        Assert.Equal("LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app",
            (string?)pod.Metadata["annotations"]![LimitRanger.Annotation]);
        Assert.Equal("Burstable", (string?)pod.Json["status"]!["qosClass"]);
    }

    [Fact]
    public void What_a_container_sets_itself_is_kept_and_a_limit_alone_is_also_its_request()
    {
        _store.Create(Range("defaults", """[{"type": "Container", "default": {"memory": "2Ki"}, "defaultRequest": {"memory": "1Ki"}}]"""));

        KubeObject pod = _store.Create(Pod("web", """{"limits": {"memory": "3Ki", "cpu": "100m"}}"""));

        Assert.Equal("""{"limits":{"memory":"3Ki","cpu":"100m"},"requests":{"memory":"3Ki","cpu":"100m"}}""", Resources(pod));
        Assert.Null(pod.Metadata["annotations"]);
        Assert.Equal("Guaranteed", (string?)pod.Json["status"]!["qosClass"]);
    }

    [Fact]
    public void A_pod_above_the_range_s_max_is_forbidden_in_kube_apiserver_s_words()
    {
        _store.Create(Range("cap", """[{"type": "Container", "max": {"memory": "4Ki"}}]"""));

        StoreException e = Assert.Throws<StoreException>(() => _store.Create(Pod("hungry", """{"limits": {"memory": "8Ki"}}""")));

        Assert.Equal(StoreError.Forbidden, e.Error);
        Assert.Equal(403, e.HttpStatus);
        Assert.Equal("pods \"hungry\" is forbidden: maximum memory usage per Container is 4Ki, but limit is 8Ki", e.Message);
        Assert.Null(_store.Get("Pod", "default", "hungry"));
    }

    [Fact]
    public void Several_broken_bounds_are_said_together_in_brackets()
    {
        _store.Create(Range("bounds", """[{"type": "Container", "min": {"memory": "1Ki", "cpu": "50m"}, "maxLimitRequestRatio": {"memory": "2"}}]"""));

        StoreException e = Assert.Throws<StoreException>(() => _store.Create(Pod("odd", """{"requests": {"memory": "512", "cpu": "50m"}, "limits": {"memory": "4Ki"}}""")));

        Assert.Equal("pods \"odd\" is forbidden: [minimum memory usage per Container is 1Ki, but request is 512, memory max limit to request ratio per Container is 2, but provided ratio is 8.000000]", e.Message);
    }

    [Fact]
    public void A_pod_range_bounds_the_sum_of_its_containers()
    {
        _store.Create(Range("per-pod", """[{"type": "Pod", "max": {"memory": "4Ki"}}]"""));
        var pod = Pod("pair", """{"limits": {"memory": "3Ki"}}""");
        ((JsonArray)pod.Spec!["containers"]!).Add(JsonNode.Parse("""{"name": "side", "image": "toolbox", "resources": {"limits": {"memory": "2Ki"}}}"""));

        StoreException e = Assert.Throws<StoreException>(() => _store.Create(pod));

        Assert.Equal("pods \"pair\" is forbidden: maximum memory usage per Pod is 4Ki, but limit is 5Ki", e.Message);
    }

    [Fact]
    public void A_default_limit_below_a_request_the_container_makes_is_refused_as_invalid()
    {
        _store.Create(Range("small", """[{"type": "Container", "default": {"memory": "1Ki"}}]"""));

        StoreException e = Assert.Throws<StoreException>(() => _store.Create(Pod("web", """{"requests": {"memory": "2Ki"}}""")));

        Assert.Equal(StoreError.Invalid, e.Error);
        Assert.Equal("Pod \"web\" is invalid: spec.containers[0].resources.requests: Invalid value: \"2Ki\": must be less than or equal to memory limit of 1Ki", e.Message);
    }

    [Fact]
    public void A_range_applied_again_unchanged_keeps_its_defaults()
    {
        KubeObject range = Range("cap", """[{"type": "Container", "max": {"memory": "4Ki"}}]""");
        _store.Apply(range);

        (ApplyOutcome outcome, KubeObject stored) = _store.Apply(range);

        Assert.Equal(ApplyOutcome.Unchanged, outcome);
        Assert.Equal("""{"memory":"4Ki"}""", stored.Spec!["limits"]![0]!["default"]!.ToJsonString());
        Assert.Equal("""{"limits":{"memory":"4Ki"},"requests":{"memory":"4Ki"}}""", Resources(_store.Create(Pod("plain"))));
    }

    [Fact]
    public void Cpu_bounds_compare_millicores_and_pod_sums_print_as_quantities()
    {
        _store.Create(Range("cpu", """[{"type": "Container", "min": {"cpu": "1m"}}, {"type": "Pod", "max": {"cpu": "250m"}}]"""));
        var pod = Pod("pair", """{"limits": {"cpu": "0.2"}, "requests": {"cpu": "0.5m"}}""");
        ((JsonArray)pod.Spec!["containers"]!).Add(JsonNode.Parse("""{"name": "side", "image": "toolbox", "resources": {"limits": {"cpu": "100m"}}}"""));

        StoreException e = Assert.Throws<StoreException>(() => _store.Create(pod));

        // 0.5m rounds up to the 1m minimum (admitted); the pod's limits sum to 300m, above its 250m.
        Assert.Equal("pods \"pair\" is forbidden: maximum cpu usage per Pod is 250m, but limit is 300m", e.Message);
    }

    [Fact]
    public void Ranges_apply_only_in_their_own_namespace()
    {
        _store.Create(Range("cap", """[{"type": "Container", "max": {"memory": "1Ki"}}]""", ns: "kube-system"));

        KubeObject pod = _store.Create(Pod("web", """{"limits": {"memory": "8Ki"}}"""));

        Assert.Equal("""{"limits":{"memory":"8Ki"},"requests":{"memory":"8Ki"}}""", Resources(pod));
        Assert.Null(pod.Metadata["annotations"]);
    }

    [Fact]
    public void A_pod_with_no_resources_in_a_namespace_without_ranges_is_best_effort()
    {
        Assert.Equal("BestEffort", (string?)_store.Create(Pod("web")).Json["status"]!["qosClass"]);
    }
}
