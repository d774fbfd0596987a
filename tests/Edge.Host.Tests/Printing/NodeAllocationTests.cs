using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Host.Tests.Printing;

/// <summary>A Node's pods and allocated resources as kubectl's describe node prints them, against what the board offers.</summary>
[Trait("Category", Category.Unit)]
public sealed class NodeAllocationTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc);

    private static KubeObject Node() => new((JsonObject)JsonNode.Parse("""
        {"kind": "Node", "metadata": {"name": "node-1"}, "status": {"allocatable": {"cpu": "1", "memory": "8Ki", "pods": "8"}}}
        """)!);

    private static KubeObject Pod(string name, string resources, string phase = "Running") => new((JsonObject)JsonNode.Parse($$$"""
        {"kind": "Pod", "metadata": {"name": "{{{name}}}", "namespace": "default", "creationTimestamp": "2026-12-05T11:57:00Z"},
         "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "whoami", "resources": {{{resources}}}}]},
         "status": {"phase": "{{{phase}}}"}}
        """)!);

    [Fact]
    public void Each_pod_s_requests_and_limits_and_the_sums_are_shown_against_what_the_board_offers()
    {
        KubeObject[] pods =
        [
            Pod("web-1", """{"requests": {"cpu": "100m", "memory": "2Ki"}, "limits": {"memory": "4Ki"}}"""),
            Pod("client", "{}"),
            Pod("done", """{"requests": {"memory": "8Ki"}}""", phase: "Succeeded"),
        ];

        Assert.Equal(string.Join("\n",
            "Non-terminated Pods:          (2 in total)",
            "  Namespace  Name    CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age",
            "  ---------  ----    ------------  ----------  ---------------  -------------  ---",
            "  default    client  0 (0%)        0 (0%)      0 (0%)           0 (0%)         3m",
            "  default    web-1   100m (10%)    0 (0%)      2Ki (25%)        4Ki (50%)      3m",
            "Allocated resources:",
            "  (Total limits may be over 100 percent, i.e., overcommitted.)",
            "  Resource  Requests    Limits",
            "  --------  --------    ------",
            "  cpu       100m (10%)  0 (0%)",
            "  memory    2Ki (25%)   4Ki (50%)",
            ""), NodeAllocation.Of(Node(), pods, Now));
    }
}
