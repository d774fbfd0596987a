using Edge.Dataplane.Boards;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.VirtualBoard.Budget;

namespace Edge.VirtualBoard.Tests.Budget;

/// <summary>
/// What an armed packet trace holds, priced as nanoFramework lays the heap out: made when
/// `edgectl trace` arms a board and let go when it ends, it comes, while it lasts, out of the
/// heap beyond the class's budget, as an open connection does (the budget measures the board
/// without one). A WROOM board keeps 8 hops.
/// </summary>
[Trait("Category", Category.Firmware)]
public sealed class TraceFootprintTests
{
    private sealed class StepClock : IClock
    {
        public long Milliseconds { get; set; } = 1;
    }

    [Theory]
    [InlineData(MemoryClass.Wroom, 8, 1500)] // 1,452 when written
    [InlineData(MemoryClass.Wrover, 32, 5300)] // 5,196 when written
    public void An_armed_trace_holds_its_hops_and_no_more(int memoryClass, int hops, int atMost)
    {
        var config = new NodeConfig();
        MemoryClass.Apply(memoryClass, config);
        var clock = new StepClock();
        var node = new NodeContext(config, clock, new Platform.SystemRandom());
        var flows = new FlowLog(config.FlowEvents, clock);

        Assert.Null(PacketTrace.Start(node, flows, 0x5A10, 5000, PacketTrace.RecordOnly, null, 0, 0, 0));
        var census = new NanoHeapCensus();
        census.Add("the node's own", flows); // the flow ring the trace reads, not the trace's
        long trace = census.Add("trace", node.Trace!);

        Assert.Equal(hops, node.Trace!.Capacity);
        Assert.InRange(trace, 1, atMost);
        Assert.Null(PacketTrace.Start(node, flows, 0x5A10, 0, PacketTrace.RecordOnly, null, 0, 0, 0));
        Assert.Null(node.Trace); // cleared: nothing of it held
    }
}
