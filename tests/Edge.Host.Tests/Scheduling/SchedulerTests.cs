using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Scheduling;

namespace Edge.Host.Tests.Scheduling;

[Trait("Category", Category.Unit)]
public sealed class SchedulerTests
{
    private static KubeObject Node(string name, bool ready = true, int pods = 4, string? labels = null, string? spec = null) => new(new JsonObject
    {
        ["kind"] = "Node",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels == null ? new JsonObject() : JsonNode.Parse(labels) },
        ["spec"] = spec == null ? new JsonObject() : JsonNode.Parse(spec),
        ["status"] = new JsonObject
        {
            ["allocatable"] = new JsonObject { ["pods"] = pods.ToString() },
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "Unknown" }),
        },
    });

    private static KubeObject Pod(string name, string? node = null, string? owner = null, string? spec = null, string? phase = null)
    {
        JsonObject podSpec = spec == null ? new JsonObject() : (JsonObject)JsonNode.Parse(spec)!;
        if (node != null)
        {
            podSpec["nodeName"] = node;
        }

        var metadata = new JsonObject { ["name"] = name };
        if (owner != null)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject { ["kind"] = "ReplicaSet", ["uid"] = owner, ["controller"] = true });
        }

        return new KubeObject(new JsonObject
        {
            ["kind"] = "Pod", ["metadata"] = metadata, ["spec"] = podSpec,
            ["status"] = new JsonObject { ["phase"] = phase ?? (node == null ? "Pending" : "Running") },
        });
    }

    private static readonly KubeObject[] ThreeBoards = [Node("node-1"), Node("node-2"), Node("node-3")];

    [Fact]
    public void Replicas_of_one_workload_spread_across_boards_before_doubling_up()
    {
        var bound = new List<KubeObject> { Pod("other-1", "node-1"), Pod("other-2", "node-1") };
        var placed = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            SchedulingDecision d = Scheduler.Schedule(Pod($"web-{i}", owner: "rs-web"), ThreeBoards, bound);
            placed.Add(d.NodeName!);
            bound.Add(Pod($"web-{i}", d.NodeName, owner: "rs-web"));
        }

        // Spread first (one replica per board), then the least loaded board takes the fourth.
        Assert.Equal(["node-2", "node-3", "node-1", "node-2"], placed);
    }

    [Fact]
    public void Finished_pods_do_not_count_against_a_board()
    {
        KubeObject[] one = [Node("node-1", pods: 1)];

        Assert.Null(Scheduler.Schedule(Pod("p"), one, [Pod("busy", "node-1")]).NodeName);
        Assert.Equal("node-1", Scheduler.Schedule(Pod("p"), one, [Pod("done", "node-1", phase: "Succeeded")]).NodeName);
    }

    [Fact]
    public void Unschedulable_pods_get_kube_schedulers_message_with_one_reason_per_node()
    {
        KubeObject[] nodes =
        [
            Node("node-1", ready: false, labels: """{"board": "esp32"}"""),
            Node("node-2", labels: """{"board": "esp32"}""", spec: """{"unschedulable": true}"""),
            Node("node-3", pods: 1, labels: """{"board": "esp32"}"""),
            Node("node-4", labels: """{"board": "stm32"}"""),
            Node("node-5", labels: """{"board": "esp32"}""", spec: """{"taints": [{"key": "workshop", "value": "instructor", "effect": "NoSchedule"}]}"""),
        ];
        KubeObject pod = Pod("p", spec: """{"nodeSelector": {"board": "esp32"}}""");

        SchedulingDecision d = Scheduler.Schedule(pod, nodes, [Pod("x", "node-3")]);

        Assert.False(d.Scheduled);
        Assert.Equal("0/5 nodes are available: 1 Too many pods, 1 node(s) didn't match Pod's node affinity/selector, " +
            "1 node(s) had untolerated taint {workshop: instructor}, 1 node(s) were not ready, 1 node(s) were unschedulable.", d.FailureMessage);
        Assert.Equal("node-3", Scheduler.Schedule(pod, nodes, []).NodeName);
    }

    [Fact]
    public void A_toleration_lets_a_pod_onto_a_tainted_board()
    {
        KubeObject[] nodes = [Node("node-1", spec: """{"taints": [{"key": "workshop", "value": "instructor", "effect": "NoSchedule"}]}""")];

        Assert.Equal("0/1 nodes are available: 1 node(s) had untolerated taint {workshop: instructor}.",
            Scheduler.Schedule(Pod("p"), nodes, []).FailureMessage);
        Assert.Equal("node-1", Scheduler.Schedule(Pod("p", spec: """{"tolerations": [{"key": "workshop", "operator": "Equal", "value": "instructor", "effect": "NoSchedule"}]}"""), nodes, []).NodeName);
        Assert.Equal("node-1", Scheduler.Schedule(Pod("p", spec: """{"tolerations": [{"operator": "Exists"}]}"""), nodes, []).NodeName);
        Assert.Null(Scheduler.Schedule(Pod("p", spec: """{"tolerations": [{"key": "workshop", "value": "attendee"}]}"""), nodes, []).NodeName);
    }

    [Fact]
    public void No_boards_at_all_says_how_to_get_some()
    {
        Assert.Contains("edgectl lab up", Scheduler.Schedule(Pod("p"), [], []).FailureMessage);
    }
}
