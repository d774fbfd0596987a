using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Scheduling;

namespace Edge.Host.Tests.Scheduling;

[Trait("Category", Category.Unit)]
public sealed class SchedulerTests
{
    private static KubeObject Node(string name, bool ready = true, int pods = 4, string? labels = null, string? spec = null, string? memory = null, string? cpu = null) => new(new JsonObject
    {
        ["kind"] = "Node",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels == null ? new JsonObject() : JsonNode.Parse(labels) },
        ["spec"] = spec == null ? new JsonObject() : JsonNode.Parse(spec),
        ["status"] = new JsonObject
        {
            ["allocatable"] = Allocatable(pods, memory, cpu),
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

    private static JsonObject Allocatable(int pods, string? memory, string? cpu)
    {
        var allocatable = new JsonObject { ["pods"] = pods.ToString() };
        if (memory != null)
        {
            allocatable["memory"] = memory;
        }

        if (cpu != null)
        {
            allocatable["cpu"] = cpu;
        }

        return allocatable;
    }

    private static string Requesting(string memory, string? cpu = null)
    {
        var requests = new JsonObject { ["memory"] = memory };
        if (cpu != null)
        {
            requests["cpu"] = cpu;
        }

        var container = new JsonObject { ["name"] = "app", ["image"] = "whoami", ["resources"] = new JsonObject { ["requests"] = requests } };
        return new JsonObject { ["containers"] = new JsonArray(container) }.ToJsonString();
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

    [Fact]
    public void A_pod_that_requests_more_memory_than_any_board_offers_is_refused_with_kube_schedulers_words()
    {
        KubeObject[] boards = [Node("node-1", memory: "9Ki"), Node("node-2", memory: "768Ki"), Node("node-3", memory: "768Ki")];

        SchedulingDecision d = Scheduler.Schedule(Pod("hungry", spec: Requesting("1Mi")), boards, []);

        Assert.Null(d.NodeName);
        Assert.Equal("0/3 nodes are available: 3 Insufficient memory.", d.FailureMessage);
    }

    [Fact]
    public void A_boards_containers_and_probes_are_counted_as_its_pods_are()
    {
        KubeObject Small(string name)
        {
            KubeObject node = Node(name);
            node.Json["status"]!["allocatable"]![Edge.Host.Objects.BoardRuntime.Containers] = "4";
            node.Json["status"]!["allocatable"]![Edge.Host.Objects.BoardRuntime.Probes] = "1";
            return node;
        }

        KubeObject[] boards = [Small("node-1"), Small("node-2")];
        const string Probed = """{"containers": [{"name": "web", "readinessProbe": {"tcpSocket": {"port": 80}}}, {"name": "toolbox"}]}""";
        var bound = new List<KubeObject> { Pod("a", "node-1", spec: Probed) };

        Assert.Equal("node-2", Scheduler.Schedule(Pod("b", spec: Probed), boards, bound).NodeName);
        bound.Add(Pod("b", "node-2", spec: Probed));
        Assert.Equal("0/2 nodes are available: 2 Insufficient edge.dev/probes.", Scheduler.Schedule(Pod("c", spec: Probed), boards, bound).FailureMessage);
        Assert.Equal("0/2 nodes are available: 2 Insufficient edge.dev/containers.",
            Scheduler.Schedule(Pod("d", spec: """{"containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}"""), boards, bound).FailureMessage);
        Assert.NotNull(Scheduler.Schedule(Pod("e", spec: """{"containers": [{"name": "a"}, {"name": "b"}]}"""), boards, bound).NodeName); // no probes: room for its containers is enough
    }

    [Fact]
    public void Requests_of_the_pods_already_bound_count_not_what_they_use()
    {
        KubeObject[] boards = [Node("node-1", memory: "9Ki"), Node("node-2", memory: "9Ki")];
        var bound = new List<KubeObject> { Pod("a", "node-1", spec: Requesting("6Ki")), Pod("b", "node-2", spec: Requesting("6Ki")) };

        Assert.Equal("0/2 nodes are available: 2 Insufficient memory.", Scheduler.Schedule(Pod("c", spec: Requesting("4Ki")), boards, bound).FailureMessage);
        Assert.Equal("node-1", Scheduler.Schedule(Pod("d", spec: Requesting("3Ki")), boards, bound).NodeName);

        // A finished pod's request is given back.
        bound[0] = Pod("a", "node-1", spec: Requesting("6Ki"), phase: "Succeeded");
        Assert.Equal("node-1", Scheduler.Schedule(Pod("c", spec: Requesting("4Ki")), boards, bound).NodeName);
    }

    [Fact]
    public void Every_resource_a_board_is_short_of_is_a_reason_and_each_is_counted()
    {
        KubeObject[] boards = [Node("node-1", memory: "9Ki", cpu: "1"), Node("node-2", memory: "64Ki", cpu: "1"), Node("node-3", memory: "9Ki", cpu: "4")];

        SchedulingDecision d = Scheduler.Schedule(Pod("big", spec: Requesting("16Ki", "2")), boards, []);

        Assert.Equal("0/3 nodes are available: 2 Insufficient cpu, 2 Insufficient memory.", d.FailureMessage);
    }

    [Fact]
    public void Cpu_is_counted_in_millicores_the_way_a_manifest_writes_it()
    {
        KubeObject[] board = [Node("node-1", pods: 16, memory: "9Ki", cpu: "1")];
        var bound = new List<KubeObject> { Pod("a", "node-1", spec: Requesting("1Ki", "0.5")), Pod("b", "node-1", spec: Requesting("1Ki", "250m")) };

        Assert.Equal("node-1", Scheduler.Schedule(Pod("c", spec: Requesting("1Ki", "250m")), board, bound).NodeName);
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu.", Scheduler.Schedule(Pod("c", spec: Requesting("1Ki", "251m")), board, bound).FailureMessage);
    }

    [Fact]
    public void A_limit_without_a_request_is_the_request_and_a_pod_without_either_fits_anywhere()
    {
        KubeObject[] board = [Node("node-1", memory: "9Ki")];
        KubeObject limited = Pod("limited", spec: """{"containers":[{"name":"app","image":"whoami","resources":{"limits":{"memory":"10Ki"}}}]}""");

        Assert.Equal("0/1 nodes are available: 1 Insufficient memory.", Scheduler.Schedule(limited, board, []).FailureMessage);
        Assert.Equal("node-1", Scheduler.Schedule(Pod("free"), board, []).NodeName);
    }

    [Fact]
    public void A_board_that_does_not_say_its_memory_is_not_checked_for_memory()
    {
        KubeObject[] boards = [Node("node-1")];

        Assert.Equal("node-1", Scheduler.Schedule(Pod("hungry", spec: Requesting("1Gi")), boards, []).NodeName);
    }

    [Fact]
    public void Among_boards_that_fit_the_one_with_most_memory_left_wins_before_the_pod_count()
    {
        KubeObject[] boards = [Node("node-1", memory: "9Ki"), Node("node-2", memory: "9Ki")];
        // node-1 has fewer pods but less memory left: LeastAllocated ranks it second.
        var bound = new List<KubeObject> { Pod("a", "node-1", spec: Requesting("6Ki")), Pod("b", "node-2", spec: Requesting("1Ki")), Pod("c", "node-2", spec: Requesting("1Ki")) };

        Assert.Equal("node-2", Scheduler.Schedule(Pod("d", spec: Requesting("1Ki")), boards, bound).NodeName);
    }

    [Fact]
    public void Too_many_pods_and_too_little_memory_are_both_said_of_one_board()
    {
        KubeObject[] board = [Node("node-1", pods: 1, memory: "9Ki")];
        var bound = new List<KubeObject> { Pod("a", "node-1", spec: Requesting("8Ki")) };

        Assert.Equal("0/1 nodes are available: 1 Insufficient memory, 1 Too many pods.", Scheduler.Schedule(Pod("b", spec: Requesting("2Ki")), board, bound).FailureMessage);
    }

    [Fact]
    public void A_request_past_any_boards_size_is_insufficient_not_an_overflow()
    {
        KubeObject[] board = [Node("node-1", memory: "8Ki", cpu: "1")];
        var bound = new List<KubeObject> { Pod("a", "node-1", spec: Requesting("8Ei", "1e18")) };

        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.", Scheduler.Schedule(Pod("b", spec: Requesting("8Ei", "1e18")), board, bound).FailureMessage);
        Assert.Equal("0/1 nodes are available: 1 Insufficient memory.", Scheduler.Schedule(Pod("c", spec: Requesting("1Ki")), board, bound).FailureMessage);
    }
}
