using Edge.Dataplane.Net;
using Edge.Host.Trace;

namespace Edge.Host.Tests.Trace;

/// <summary>A board's trace view read back: each hop with its frame and the flow events its point wrote; what is not a trace view is an error.</summary>
[Trait("Category", Category.Unit)]
public sealed class TraceBatchTests
{
    // A SYN from 10.244.1.2:40000 to 10.96.0.20:80, Ethernet onward, as the board's hex.
    private const string Frame = "02420af4010102420af4010208004500002c4a100000400600000af401020a600014"
        + "9c40005000000001000000006002faf000000000020405b4";

    [Fact]
    public void Hops_come_with_their_frames_and_the_events_written_where_they_were_recorded()
    {
        string view = "trace 18960 3 0 4000 armed\n"
            + $"hop 3990 1 request 1 0 {Frame}\n"
            + $"hop 3990 2 request 258 3232248332 {Frame}\n"
            + "7 3990 service TCP 10.244.1.2:40000 10.96.0.20:80 dnat 10.244.2.7:8080 service default/web:http pick 2/3\n"
            + "8 3990 allowed TCP 10.244.1.2:40000 10.244.2.7:8080 policy default/allow-web rule 0 egress\n"
            + "hop 3991 5 reply 25 0 " + Frame + "\n";

        TraceBatch batch = TraceBatch.Parse("node-1", view);

        Assert.Equal((18960, 0, 4000u, true), (batch.Mark, batch.Lost, batch.BoardNow, batch.Armed));
        Assert.Equal(3, batch.Hops.Count);
        TraceHop routed = batch.Hops[1];
        Assert.Equal((PacketTrace.Routed, PacketTrace.ToPeer, HookVerdict.Translated, false), (routed.Step, routed.Where, routed.Verdict, routed.Reply));
        Assert.Equal(("10.244.1.2", "10.96.0.20", 6, 40000, 80), routed.Tuple);
        Assert.Equal(["service", "allowed"], routed.Events.Select(e => e.Kind));
        Assert.Equal("10.244.2.7", routed.Events[0].TranslatedTo!.Address);
        Assert.Empty(batch.Hops[0].Events);
        Assert.True(batch.Hops[2].Reply);
        Assert.True(batch.Hops[2].Ends); // a drop
        Assert.False(batch.Hops[0].Ends); // bridged to the gateway goes on
    }

    [Fact]
    public void A_board_without_a_trace_has_no_hops_and_a_line_out_of_step_is_named()
    {
        Assert.Empty(TraceBatch.Parse("node-1", "").Hops);
        FormatException e = Assert.Throws<FormatException>(() => TraceBatch.Parse("node-1", "trace 2 1 0 5 armed\nhop 1 2 sideways 0 0 00\n"));
        Assert.Contains("hop 1 2 sideways", e.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => TraceBatch.Parse("node-1", "flows 1 1 16 5\n"));
    }
}
