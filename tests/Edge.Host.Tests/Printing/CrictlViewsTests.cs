using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Host.Tests.Printing;

/// <summary>A node's sandboxes and containers in crictl's layout, from what its board reported.</summary>
[Trait("Category", Category.Unit)]
public sealed class CrictlViewsTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc);

    private static KubeObject Pod(string name, string uid, string status) => new((JsonObject)JsonNode.Parse($$$"""
        {"kind": "Pod", "metadata": {"name": "{{{name}}}", "namespace": "default", "uid": "{{{uid}}}", "creationTimestamp": "2026-12-05T11:57:00Z"},
         "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "traefik/whoami"}]}, "status": {{{status}}}}
        """)!);

    private static readonly KubeObject Web = Pod("web", "u-web", """
        {"phase": "Running", "podIP": "10.244.1.5", "containerStatuses": [{"name": "app", "image": "traefik/whoami", "restartCount": 0, "ready": true,
          "state": {"running": {"startedAt": "2026-12-05T11:59:30Z"}}}]}
        """);

    private static readonly KubeObject Crash = Pod("crash", "u-crash", """
        {"phase": "Running", "podIP": "10.244.1.6", "containerStatuses": [{"name": "app", "image": "traefik/whoami", "restartCount": 3, "ready": false,
          "state": {"waiting": {"reason": "CrashLoopBackOff"}}, "lastState": {"terminated": {"exitCode": 2, "reason": "Error"}}}]}
        """);

    private static readonly KubeObject Waiting = Pod("greeter", "u-greeter", """
        {"phase": "Pending", "podIP": "10.244.1.7", "containerStatuses": [{"name": "app", "image": "hello", "restartCount": 0, "ready": false,
          "state": {"waiting": {"reason": "CreateContainerConfigError", "message": "configmap \"settings\" not found"}}}]}
        """);

    [Fact]
    public void Every_pod_is_a_sandbox_ready_once_the_board_runs_it()
    {
        string[] lines = CrictlViews.Sandboxes([Web, Crash, Waiting], Now).Split('\n');

        Assert.Equal("POD ID              CREATED             STATE               NAME                NAMESPACE           ATTEMPT             RUNTIME", lines[0]);
        Assert.Matches(@"^[0-9a-f]{13}       3 minutes ago       Ready               crash               default             0                   \(default\)$", lines[1]);
        Assert.Matches(@"^[0-9a-f]{13}       3 minutes ago       NotReady            greeter ", lines[2]);
        Assert.StartsWith(CrictlViews.SandboxId(Web), lines[3]);
    }

    [Fact]
    public void A_container_restarted_is_a_new_container_of_the_same_sandbox_and_one_never_created_is_not_listed()
    {
        string[] lines = CrictlViews.Containers([Web, Crash, Waiting], Now).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("CONTAINER           IMAGE               CREATED             STATE               NAME                ATTEMPT             POD ID              POD", lines[0]);
        Assert.Equal(3, lines.Length); // greeter's container was never created
        Assert.Equal($"{CrictlViews.ContainerId(Crash, "app", 3)}       traefik/whoami      3 minutes ago       Exited              app                 3                   {CrictlViews.SandboxId(Crash)}       crash", lines[1]);
        Assert.Equal($"{CrictlViews.ContainerId(Web, "app", 0)}       traefik/whoami      30 seconds ago      Running             app                 0                   {CrictlViews.SandboxId(Web)}       web", lines[2]);
        Assert.NotEqual(CrictlViews.ContainerId(Crash, "app", 3), CrictlViews.ContainerId(Crash, "app", 4));
    }

    [Fact]
    public void Describe_names_the_sandbox_and_the_network_its_containers_share()
    {
        Assert.Equal($"{CrictlViews.SandboxId(Web)} (IP 10.244.1.5, MAC 02:42:0a:f4:01:05, shared by its containers)", CrictlViews.Describe(Web));
    }
}
