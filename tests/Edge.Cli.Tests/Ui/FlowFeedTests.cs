using Edge.Cli.Commands.Flows;
using Edge.Cli.Ui;
using Edge.Host.Flows;

namespace Edge.Cli.Tests.Ui;

[Trait("Category", Category.Unit)]
public sealed class FlowFeedTests
{
    private static readonly FlowNames NoNames = new([], []);

    private static FlowBatch Batch(long written, params string[] events) =>
        FlowBatch.Parse($"flows {written} 1 256 5000\n" + string.Join("\n", events) + "\n");

    [Fact]
    public async Task A_board_that_started_again_is_read_from_its_first_event_and_no_flow_is_lost_or_repeated()
    {
        await using var feed = new FlowFeed(() => throw new InvalidOperationException("not started"), TextWriter.Null);
        feed.Add("node-1", DateTime.UtcNow, Batch(2, "1 4000 dropped - - - reason truncated", "2 4100 dropped - - - reason no-route"), NoNames);
        Assert.Equal(2, feed.Last);

        // Restarted: its count is below what was read. Nothing is taken from this answer (the board
        // filtered by the old number), and the next asks from its first event.
        feed.Add("node-1", DateTime.UtcNow, Batch(1), NoNames);
        Assert.Equal(2, feed.Last);
        feed.Add("node-1", DateTime.UtcNow, Batch(1, "1 10 dropped - - - reason no-socket"), NoNames);

        Assert.Equal(["truncated", "no-route", "no-socket"], feed.After(0).Select(f => (string?)f.Flow["drop_reason"]));
    }
}
