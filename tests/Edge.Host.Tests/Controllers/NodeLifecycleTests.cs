using System.Text.Json.Nodes;
using Edge.Host.Controllers;
using Edge.Host.Objects;
using Edge.Host.Scheduling;

namespace Edge.Host.Tests.Controllers;

[Trait("Category", Category.Unit)]
public sealed class NodeLifecycleTests
{
    private static readonly DateTime T0 = new(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);
    private static readonly NodeLifecycleSettings Settings = NodeLifecycleSettings.Workshop;

    private static KubeObject NewNode() => new(new JsonObject { ["kind"] = "Node", ["metadata"] = new JsonObject { ["name"] = "node-2" } });

    private static NodeVerdict Tick(KubeObject node, DateTime heartbeat, DateTime now)
    {
        NodeVerdict verdict = NodeLifecycle.Evaluate(node, heartbeat, now, Settings);
        NodeLifecycle.Apply(node, verdict, heartbeat, now);
        return verdict;
    }

    [Fact]
    public void A_silent_board_goes_NotReady_then_its_pods_are_evicted_and_a_heartbeat_brings_it_back()
    {
        KubeObject node = NewNode();

        NodeVerdict joined = Tick(node, T0, T0);
        Assert.True(joined.Ready && joined.ConditionChanged);
        Assert.True(Scheduler.IsReady(node));

        Assert.False(Tick(node, T0, T0.AddSeconds(5)).ConditionChanged); // within the grace

        NodeVerdict lost = Tick(node, T0, T0.AddSeconds(6)); // the cable is pulled at T0
        Assert.False(lost.Ready);
        Assert.True(lost.ConditionChanged);
        Assert.False(lost.EvictPods);
        Assert.False(Scheduler.IsReady(node));
        Assert.Equal("board stopped posting node status 6s ago (cable, power or firmware?)", lost.Message);
        Assert.Equal("2026-11-24T09:00:06Z", (string?)node.Json["status"]!["conditions"]![0]!["lastTransitionTime"]);

        Assert.False(Tick(node, T0, T0.AddSeconds(20)).EvictPods);
        NodeVerdict evict = Tick(node, T0, T0.AddSeconds(21)); // 15 s after NotReady
        Assert.True(evict.EvictPods);
        Assert.False(evict.ConditionChanged);

        NodeVerdict back = Tick(node, T0.AddSeconds(30), T0.AddSeconds(30));
        Assert.True(back.Ready && back.ConditionChanged && !back.EvictPods);
        Assert.Equal("2026-11-24T09:00:30Z", (string?)node.Json["status"]!["conditions"]![0]!["lastTransitionTime"]);
    }

    [Fact]
    public void A_control_plane_restarted_long_after_the_board_went_silent_evicts_at_once()
    {
        KubeObject node = NewNode();
        Tick(node, T0, T0);
        Tick(node, T0, T0.AddSeconds(10)); // NotReady since 09:00:10, recorded in the store

        // A new control plane process reads the stored node; its transition time still counts.
        Assert.True(NodeLifecycle.Evaluate(node.Clone(), T0, T0.AddMinutes(5), Settings).EvictPods);
    }
}
