using System.Text.Json.Nodes;
using Edge.Host.Controllers;
using Edge.Host.Objects;
using Edge.Host.Printing;
using Edge.Host.Sessions;

namespace Edge.Host.Tests.Controllers;

/// <summary>
/// A pod of several containers as the kubelet reports it: one containerStatus per container,
/// Ready only when every container's readiness says so, and the kubelet's probe events.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class PodContainersStatusTests
{
    private static readonly DateTime T0 = new(2026, 12, 5, 9, 0, 0, DateTimeKind.Utc);

    private static KubeObject Pod() => new((JsonObject)JsonNode.Parse("""
        {"kind": "Pod", "metadata": {"name": "web-1", "namespace": "default", "uid": "u-1"},
         "spec": {"nodeName": "node-1", "containers": [{"name": "whoami", "image": "traefik/whoami"}, {"name": "toolbox", "image": "toolbox"}]},
         "status": {"phase": "Pending", "podIP": "10.244.1.2"}}
        """)!);

    private static PodReport Report(params ContainerReport[] containers) =>
        new("default", "web-1", "u-1", "Running", "", "") { Containers = containers };

    private static ContainerReport Up(string name, bool ready = true) => new(name) { Running = true, Started = true, Ready = ready };

    [Fact]
    public void Each_container_has_its_status_and_the_pod_is_ready_when_all_are()
    {
        KubeObject pod = Pod();

        Assert.True(PodStatusFromBoard.Apply(pod, Report(Up("whoami", ready: false), Up("toolbox")), T0));
        JsonArray statuses = (JsonArray)pod.Json["status"]!["containerStatuses"]!;
        Assert.Equal(["whoami", "toolbox"], statuses.Select(s => (string?)s!["name"]));
        Assert.Equal([false, true], statuses.Select(s => (bool)s!["ready"]!));
        Assert.All(statuses, s => Assert.True((bool)s!["started"]!));
        Assert.False(EndpointsBuilder.IsReady(pod)); // out of the endpoints while its readiness fails
        Assert.Equal("Running", ResourceColumns.PodStatus(pod)); // running, not ready: READY says it
        Assert.Equal(["web-1", "1/2", "Running", "0"], ResourceColumns.For("Pod").Row(pod, T0).Take(4));

        Assert.True(PodStatusFromBoard.Apply(pod, Report(Up("whoami"), Up("toolbox")), T0.AddSeconds(2)));
        Assert.True(EndpointsBuilder.IsReady(pod));
        Assert.Equal("2026-12-05T09:00:02Z", (string?)((JsonArray)pod.Json["status"]!["conditions"]!).Single(c => (string?)c!["type"] == "Ready")!["lastTransitionTime"]);
        Assert.Equal("2026-12-05T09:00:00Z", (string?)pod.Json["status"]!["containerStatuses"]![0]!["state"]!["running"]!["startedAt"]); // a readiness flip is not a new start
    }

    [Fact]
    public void A_crash_looping_sibling_shows_in_STATUS_and_RESTARTS_and_its_last_state_says_OOMKilled()
    {
        KubeObject pod = Pod();
        var looping = new ContainerReport("toolbox") { Reason = "CrashLoopBackOff", Message = "back-off 20s", Restarts = 2, LastExit = 137, OomKilled = true };

        Assert.True(PodStatusFromBoard.Apply(pod, Report(Up("whoami"), looping), T0));

        JsonNode toolbox = pod.Json["status"]!["containerStatuses"]![1]!;
        Assert.Equal("CrashLoopBackOff", (string?)toolbox["state"]!["waiting"]!["reason"]);
        Assert.Equal(("OOMKilled", 137), ((string?)toolbox["lastState"]!["terminated"]!["reason"], (int)toolbox["lastState"]!["terminated"]!["exitCode"]!));
        Assert.Equal("CrashLoopBackOff", ResourceColumns.PodStatus(pod));
        Assert.Equal(["web-1", "1/2", "CrashLoopBackOff", "2"], ResourceColumns.For("Pod").Row(pod, T0).Take(4));
    }

    [Fact]
    public void A_container_the_board_does_not_report_yet_is_ContainerCreating()
    {
        KubeObject pod = Pod();

        PodStatusFromBoard.Apply(pod, Report(Up("whoami")), T0);

        Assert.Equal("ContainerCreating", (string?)pod.Json["status"]!["containerStatuses"]![1]!["state"]!["waiting"]!["reason"]);
        Assert.False(EndpointsBuilder.IsReady(pod));
    }

    [Fact]
    public void A_probe_failure_is_an_Unhealthy_event_when_it_begins_not_every_heartbeat_and_a_liveness_stop_is_Killing()
    {
        var events = new ProbeEvents();
        ContainerReport failing = Up("whoami", ready: false) with { ProbeFailure = "Readiness probe failed: HTTP probe failed with statuscode: 500" };

        Assert.Empty(events.From(Report(Up("whoami"), Up("toolbox"))));
        Assert.Equal([("Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 500")], events.From(Report(failing, Up("toolbox"))));
        Assert.Empty(events.From(Report(failing, Up("toolbox")))); // the same failure, said once
        Assert.Empty(events.From(Report(Up("whoami"), Up("toolbox"))));

        ContainerReport live = Up("whoami") with { ProbeFailure = "Liveness probe failed: HTTP probe failed with statuscode: 500" };
        ContainerReport stopped = new("whoami") { Reason = "CrashLoopBackOff", Message = "back-off 10s", LastExit = 143, ProbeFailure = live.ProbeFailure };
        Assert.Equal([("Warning", "Unhealthy", live.ProbeFailure)], events.From(Report(live, Up("toolbox"))));
        Assert.Equal([("Normal", "Killing", "Container whoami failed liveness probe, will be restarted")], events.From(Report(stopped, Up("toolbox"))));

        // A first restart is at once: the board may report it running again, restarted, its failure standing.
        var other = new ProbeEvents();
        Assert.Equal([("Warning", "Unhealthy", live.ProbeFailure)], other.From(Report(live, Up("toolbox"))));
        Assert.Equal([("Normal", "Killing", "Container whoami failed liveness probe, will be restarted")], other.From(Report(live with { Restarts = 1, LastExit = 143 }, Up("toolbox"))));
        Assert.Empty(other.From(Report(Up("whoami") with { Restarts = 1, LastExit = 143 }, Up("toolbox")))); // its probe passes on the new start
    }
}
