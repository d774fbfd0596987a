using Edge.Dataplane.Net;

namespace Edge.Dataplane.Tests.Net;

/// <summary>Pods' logs: the newest lines of each pod, kept in one journal for the node, never a half line.</summary>
[Trait("Category", Category.Unit)]
public sealed class PodLogTests
{
    [Fact]
    public void An_unused_log_is_empty_and_lines_come_back_in_order()
    {
        var log = new PodLog(new NodeLog(512));
        Assert.Equal("", log.Text());

        log.Line("first");
        log.Line("second");

        Assert.Equal("first\nsecond\n", log.Text());
    }

    [Fact]
    public void Each_pod_reads_only_its_own_lines_from_the_shared_journal()
    {
        var journal = new NodeLog(512);
        var web = new PodLog(journal);
        var client = new PodLog(journal);

        web.Line("GET / 200");
        client.Line("Connecting to web");
        web.Line("GET /health 200");

        Assert.Equal("GET / 200\nGET /health 200\n", web.Text());
        Assert.Equal("Connecting to web\n", client.Text());
    }

    [Fact]
    public void When_full_the_oldest_whole_lines_make_room_whoever_wrote_them()
    {
        var journal = new NodeLog(512);
        var web = new PodLog(journal);
        var quiet = new PodLog(journal);
        quiet.Line("started");
        for (int i = 0; i < 100; i++)
        {
            web.Line($"10.244.1.2:{40000 + i} \"GET / HTTP/1.1\" 200");
        }

        string text = web.Text();
        Assert.True(text.Length <= journal.Capacity);
        Assert.EndsWith("10.244.1.2:40099 \"GET / HTTP/1.1\" 200\n", text);
        Assert.All(text.TrimEnd('\n').Split('\n'), line => Assert.Matches(@"^10\.244\.1\.2:4\d{4} ""GET / HTTP/1\.1"" 200$", line));
        Assert.Equal(100, web.LinesWritten);
        Assert.Equal("", quiet.Text()); // its one line was the oldest
    }

    [Fact]
    public void A_line_longer_than_a_record_is_cut_and_keeps_its_end_of_line()
    {
        var log = new PodLog(new NodeLog(512));
        log.Line(new string('x', 2000));

        Assert.Equal(new string('x', NodeLog.MaxLine) + "\n", log.Text());
    }

    [Fact]
    public void A_WROOM_board_keeps_half_a_kilobyte_of_pod_output_for_all_its_pods()
    {
        var c = new NodeConfig();
        Edge.Dataplane.Boards.MemoryClass.Apply(Edge.Dataplane.Boards.MemoryClass.Wroom, c);

        Assert.Equal(512, c.LogBytes);
        Assert.Equal(4096, new NodeConfig().LogBytes);
    }
}
