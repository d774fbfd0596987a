using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Workloads;
using Edge.VirtualBoard.Budget;

namespace Edge.VirtualBoard.Tests.Budget;

/// <summary>
/// What a pod holds between its conversations, priced as nanoFramework lays the heap out: a
/// sidecar's request to its sibling over 127.0.0.1, or a probe to the pod's own address, costs
/// while it lasts and leaves nothing behind (the budget measures the board between them).
/// </summary>
[Trait("Category", Category.Firmware)]
public sealed class PodFootprintTests
{
    private sealed class StepClock : IClock
    {
        public long Milliseconds { get; set; } = 1;
    }

    private sealed class Discard : IByteSink
    {
        public int Bytes;

        public void Write(byte[] buffer, int offset, int length) => Bytes += length;
    }

    [Fact]
    public void A_pod_that_talked_to_itself_over_its_loopback_holds_no_more_once_the_talk_is_over()
    {
        var clock = new StepClock();
        var config = new NodeConfig { Name = "node-1", Address = 0xC0A8320B };
        MemoryClass.Apply(MemoryClass.Wroom, config);
        var agent = new NodeAgent(config, clock, new Platform.SystemRandom(), new NullPlatform.Port(), new NullPlatform.HostSockets());
        DesiredState state = WorstCaseBoard.State(1, 0, 0, 0);
        state.Pods[0].Containers = [state.Pods[0].Containers[0], new ContainerSpec { Name = "toolbox", Image = "toolbox" }];
        Assert.Null(agent.Apply(state));
        Turns(agent, clock, 10, 1);
        agent.Pods[0].Sandbox.Log.Line("10.244.2.5:40000 \"GET / HTTP/1.1\" 200 512"); // the node's journal is made at its first line, which whoami's access log would write
        var before = new NanoHeapCensus();
        before.Add("board", agent);

        // What `exec -c toolbox -- wget -qO- http://127.0.0.1/` does, then past TIME-WAIT.
        var body = new Discard();
        var get = new HttpGet(agent.Pods[0].Sandbox, PodSandbox.LoopbackAddress, 80, "localhost", "/", body);
        for (int turn = 0; turn < 1000 && !get.Done; turn++)
        {
            Turns(agent, clock, 1, 1);
            get.Poll(clock.Milliseconds);
        }

        Assert.True(get.Done && get.StatusCode == 200 && body.Bytes > 0, get.Error);
        Turns(agent, clock, 20, config.TimeWaitMs / 10);
        var after = new NanoHeapCensus();
        after.Add("board", agent);

        Assert.True(before.TotalBytes == after.TotalBytes, $"{before.TotalBytes} bytes before, {after.TotalBytes} after: "
            + string.Join(", ", after.Fields.Where(f => f.Value != before.Fields.GetValueOrDefault(f.Key)).Select(f => $"{f.Key} {f.Value - before.Fields.GetValueOrDefault(f.Key):+#;-#}")));
    }

    private static void Turns(NodeAgent agent, StepClock clock, int turns, int milliseconds)
    {
        for (int t = 0; t < turns; t++)
        {
            clock.Milliseconds += milliseconds;
            agent.Poll();
        }
    }
}
