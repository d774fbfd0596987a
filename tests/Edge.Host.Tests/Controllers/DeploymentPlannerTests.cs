using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Edge.Host.Controllers;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Controllers;

[Trait("Category", Category.Unit)]
public sealed class DeploymentPlannerTests
{
    private static KubeObject Deployment(int replicas, string image = "whoami", string? strategy = null)
    {
        string strategyField = strategy == null ? "" : "\"strategy\": " + strategy + ",";
        return new((JsonObject)JsonNode.Parse($$$"""
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "web", "namespace": "default", "uid": "d-1"},
         "spec": {"replicas": {{{replicas}}}, "selector": {"matchLabels": {"app": "web"}},
                  {{{strategyField}}}
                  "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "{{{image}}}"}] } } } }
        """)!);
    }

    private static void MarkReady(KubeObject pod) =>
        pod.Json["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = "10.244.1.2", ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }) };

    /// <summary>Runs the controller until the rollout completes: created pods become ready one step later; returns the most pods seen and the fewest ready after the start.</summary>
    private static (int MostPods, int FewestReady, int Steps) Converge(KubeObject deployment, List<KubeObject> pods, Random random)
    {
        int most = pods.Count, fewest = int.MaxValue, steps = 0;
        while (true)
        {
            DeploymentPlan plan = DeploymentPlanner.Plan(deployment, pods, random);
            if (plan.IsComplete)
            {
                return (most, fewest, steps);
            }

            Assert.True(++steps < 50, "the rollout did not settle");
            pods.ForEach(p => { if (!EndpointsBuilder.IsReady(p)) MarkReady(p); });
            pods.RemoveAll(p => plan.Delete.Contains(p.Name));
            pods.AddRange(plan.Create);
            most = Math.Max(most, pods.Count);
            fewest = Math.Min(fewest, pods.Count(EndpointsBuilder.IsReady));
        }
    }

    [Fact]
    public void Scaling_up_names_pods_deploy_hash_suffix_and_owns_them()
    {
        DeploymentPlan plan = DeploymentPlanner.Plan(Deployment(3), [], new Random(1));

        Assert.Equal(3, plan.Create.Count);
        Assert.All(plan.Create, p =>
        {
            Assert.Matches(new Regex($"^web-{plan.TemplateHash}-[{PodTemplateHash.Alphabet}]{{5}}$"), p.Name);
            Assert.Equal(plan.TemplateHash, p.Labels["pod-template-hash"]);
            Assert.Equal("web", p.Labels["app"]);
            Assert.Equal("d-1", (string?)p.Metadata["ownerReferences"]![0]!["uid"]);
        });
        Assert.Equal(3, plan.Create.Select(p => p.Name).Distinct().Count());
    }

    [Fact]
    public void The_template_hash_ignores_key_order_and_follows_content()
    {
        JsonNode a = JsonNode.Parse("""{"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "hello"}]}}""")!;
        JsonNode b = JsonNode.Parse("""{"spec": {"containers": [{"image": "hello", "name": "c"}]}, "metadata": {"labels": {"app": "web"}}}""")!;
        JsonNode c = JsonNode.Parse("""{"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "whoami"}]}}""")!;

        Assert.Equal(PodTemplateHash.Of(a), PodTemplateHash.Of(b));
        Assert.NotEqual(PodTemplateHash.Of(a), PodTemplateHash.Of(c));
        Assert.Matches($"^[{PodTemplateHash.Alphabet}]+$", PodTemplateHash.Of(a));
    }

    [Theory]
    [InlineData(3, null, 4, 3)]                                                                    // defaults: 25% surge (1), 25% unavailable (0)
    [InlineData(4, """{"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}""", 4, 3)]
    [InlineData(4, """{"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "50%", "maxUnavailable": "50%"}}""", 6, 2)]
    public void A_rolling_update_stays_within_surge_and_unavailability(int replicas, string? strategy, int mostPods, int fewestReady)
    {
        var random = new Random(7);
        var pods = new List<KubeObject>();
        Converge(Deployment(replicas, "hello", strategy), pods, random);
        pods.ForEach(MarkReady);

        KubeObject updated = Deployment(replicas, "whoami", strategy);
        var (most, fewest, _) = Converge(updated, pods, random);

        Assert.Equal(mostPods, most);
        Assert.Equal(fewestReady, fewest);
        string hash = PodTemplateHash.Of(updated.Spec!["template"]);
        Assert.Equal(replicas, pods.Count);
        Assert.All(pods, p => Assert.Equal(hash, p.Labels["pod-template-hash"]));
    }

    [Fact]
    public void Recreate_removes_every_old_pod_before_creating_new_ones()
    {
        const string recreate = """{"type": "Recreate"}""";
        var pods = new List<KubeObject>();
        var random = new Random(3);
        Converge(Deployment(2, "hello", recreate), pods, random);

        DeploymentPlan first = DeploymentPlanner.Plan(Deployment(2, "whoami", recreate), pods, random);

        Assert.Empty(first.Create);
        Assert.Equal(2, first.Delete.Count);
        Assert.Equal(2, DeploymentPlanner.Plan(Deployment(2, "whoami", recreate), [], random).Create.Count);
    }

    [Fact]
    public void Scaling_down_removes_pods_that_are_not_ready_first()
    {
        var pods = DeploymentPlanner.Plan(Deployment(3), [], new Random(5)).Create;
        MarkReady(pods[0]);
        MarkReady(pods[2]);

        DeploymentPlan plan = DeploymentPlanner.Plan(Deployment(2), pods, new Random(5));

        Assert.Equal([pods[1].Name], plan.Delete);
        Assert.Empty(plan.Create);
    }

    [Fact]
    public void Failed_pods_are_replaced()
    {
        var pods = DeploymentPlanner.Plan(Deployment(2), [], new Random(9)).Create;
        pods.ForEach(MarkReady);
        pods[0].Json["status"]!["phase"] = "Failed";

        Assert.Single(DeploymentPlanner.Plan(Deployment(2), pods, new Random(9)).Create);
    }
}
