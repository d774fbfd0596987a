using System.Text.Json.Nodes;
using Edge.Host.Controllers;
using Edge.Host.Objects;
using Edge.Host.Sessions;

namespace Edge.Host.Tests.Controllers;

[Trait("Category", Category.Unit)]
public sealed class PodStatusFromBoardTests
{
    private static readonly DateTime T0 = new(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);

    private static KubeObject Pod() => new((JsonObject)JsonNode.Parse("""
        {"kind": "Pod", "metadata": {"name": "web-1", "namespace": "default", "uid": "u-1"},
         "spec": {"nodeName": "node-1", "containers": [{"name": "whoami", "image": "traefik/whoami"}]},
         "status": {"phase": "Pending", "podIP": "10.244.1.2", "conditions": [{"type": "PodScheduled", "status": "True"}]}}
        """)!);

    private static PodReport Report(string phase, string uid = "u-1", string reason = "", string message = "") =>
        new("default", "web-1", uid, phase, reason, message);

    [Fact]
    public void Running_makes_the_pod_ready_once_and_repeated_heartbeats_change_nothing()
    {
        KubeObject pod = Pod();

        Assert.True(PodStatusFromBoard.Apply(pod, Report("Running"), T0));
        Assert.True(EndpointsBuilder.IsReady(pod));
        Assert.Equal("Running", (string?)pod.Json["status"]!["phase"]);
        Assert.Equal("2026-11-24T09:00:00Z", (string?)pod.Json["status"]!["containerStatuses"]![0]!["state"]!["running"]!["startedAt"]);
        Assert.Equal("10.244.1.2", (string?)pod.Json["status"]!["podIP"]); // kept: the control plane gave it

        Assert.False(PodStatusFromBoard.Apply(pod, Report("Running"), T0.AddSeconds(1)));
        Assert.Equal("2026-11-24T09:00:00Z", (string?)pod.Json["status"]!["containerStatuses"]![0]!["state"]!["running"]!["startedAt"]);
    }

    [Fact]
    public void A_board_that_cannot_run_the_image_says_why()
    {
        KubeObject pod = Pod();

        PodStatusFromBoard.Apply(pod, Report("Failed", reason: "ErrImageNeverPull", message: "images on this board: whoami, hello"), T0);

        Assert.False(EndpointsBuilder.IsReady(pod));
        Assert.Equal("Failed", (string?)pod.Json["status"]!["phase"]);
        Assert.Equal("ErrImageNeverPull", (string?)pod.Json["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!["reason"]);
    }

    [Fact]
    public void A_pod_that_stops_running_loses_ready_and_the_transition_is_dated()
    {
        KubeObject pod = Pod();
        PodStatusFromBoard.Apply(pod, Report("Running"), T0);

        Assert.True(PodStatusFromBoard.Apply(pod, Report("Pending", reason: "ContainerCreating"), T0.AddSeconds(30)));

        Assert.False(EndpointsBuilder.IsReady(pod));
        JsonNode ready = ((JsonArray)pod.Json["status"]!["conditions"]!).Single(c => (string?)c!["type"] == "Ready")!;
        Assert.Equal("2026-11-24T09:00:30Z", (string?)ready["lastTransitionTime"]);
    }

    [Fact]
    public void A_container_whose_program_exits_is_CrashLoopBackOff_with_the_kubelets_message_its_restarts_and_last_state()
    {
        KubeObject pod = Pod();

        Assert.True(PodStatusFromBoard.Apply(pod, Report("Running", reason: "CrashLoopBackOff", message: "back-off 20s") with
        {
            Containers = [new ContainerReport("whoami") { Restarts = 1, LastExit = 2, Reason = "CrashLoopBackOff", Message = "back-off 20s" }],
        }, T0));

        JsonNode status = pod.Json["status"]!;
        JsonNode container = status["containerStatuses"]![0]!;
        Assert.Equal("Running", (string?)status["phase"]);
        Assert.False(EndpointsBuilder.IsReady(pod)); // a restarting container serves nothing
        Assert.Equal(("CrashLoopBackOff", "back-off 20s restarting failed container=whoami pod=web-1_default(u-1)"),
            ((string?)container["state"]!["waiting"]!["reason"], (string?)container["state"]!["waiting"]!["message"]));
        Assert.Equal(1, (int)container["restartCount"]!);
        Assert.Equal(("Error", 2), ((string?)container["lastState"]!["terminated"]!["reason"], (int)container["lastState"]!["terminated"]!["exitCode"]!));
        Assert.Equal("CrashLoopBackOff", Edge.Host.Printing.ResourceColumns.PodStatus(pod));
        Assert.Equal("1", Edge.Host.Printing.ResourceColumns.For("Pod").Row(pod, T0)[3]); // RESTARTS
    }

    [Fact]
    public void A_report_about_another_incarnation_is_ignored()
    {
        KubeObject pod = Pod();

        Assert.False(PodStatusFromBoard.Apply(pod, Report("Running", uid: "u-old"), T0));
        Assert.Equal("Pending", (string?)pod.Json["status"]!["phase"]);
    }
}
