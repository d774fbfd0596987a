using System.Text.Json.Nodes;
using Edge.Cli.Commands.Resources;
using Edge.Host.Objects;

namespace Edge.Cli.Tests.Output;

/// <summary>rollout status says what kubectl's says at each stage of a deployment's rollout, and is done only when every replica is new and available.</summary>
[Trait("Category", Category.Unit)]
public sealed class RolloutProgressTests
{
    private static KubeObject Deployment(long generation, long replicas, string status) => new((JsonObject)JsonNode.Parse(
        $$"""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":{{generation}}},"spec":{"replicas":{{replicas}}},"status":{{status}}}""")!);

    [Theory]
    [InlineData(2, """{"observedGeneration":1,"replicas":3,"updatedReplicas":3,"availableReplicas":3}""", false, "Waiting for deployment spec update to be observed...")]
    [InlineData(2, """{"observedGeneration":2,"replicas":3,"updatedReplicas":1,"availableReplicas":1}""", false, "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...")]
    [InlineData(2, """{"observedGeneration":2,"replicas":4,"updatedReplicas":3,"availableReplicas":3}""", false, "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...")]
    [InlineData(2, """{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"availableReplicas":2}""", false, "Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available...")]
    [InlineData(2, """{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"availableReplicas":3}""", true, "deployment \"web\" successfully rolled out")]
    public void Each_stage_reads_as_kubectl_says_it(long generation, string status, bool done, string message)
    {
        Assert.Equal((done, message), RolloutCommand.Progress(Deployment(generation, 3, status)));
    }
}
