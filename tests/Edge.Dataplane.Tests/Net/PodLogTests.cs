using Edge.Dataplane.Net;

namespace Edge.Dataplane.Tests.Net;

/// <summary>A pod's log: the newest lines in a fixed ring, never a half line at the front.</summary>
[Trait("Category", Category.Unit)]
public sealed class PodLogTests
{
    [Fact]
    public void An_unused_log_is_empty_and_lines_come_back_in_order()
    {
        var log = new PodLog();
        Assert.Equal("", log.Text());

        log.Line("first");
        log.Line("second");

        Assert.Equal("first\nsecond\n", log.Text());
    }

    [Fact]
    public void When_full_the_oldest_whole_lines_make_room()
    {
        var log = new PodLog();
        for (int i = 0; i < 100; i++)
        {
            log.Line($"10.244.1.2:{40000 + i} \"GET / HTTP/1.1\" 200");
        }

        string text = log.Text();
        Assert.True(text.Length <= PodLog.Capacity);
        Assert.EndsWith("10.244.1.2:40099 \"GET / HTTP/1.1\" 200\n", text);
        Assert.All(text.TrimEnd('\n').Split('\n'), line => Assert.Matches(@"^10\.244\.1\.2:4\d{4} ""GET / HTTP/1\.1"" 200$", line));
        Assert.Equal(100, log.LinesWritten);
    }

    [Fact]
    public void A_line_longer_than_the_log_keeps_its_end_of_line()
    {
        var log = new PodLog();
        log.Line(new string('x', 2000));
        Assert.EndsWith("\n", log.Text());
        Assert.True(log.Text().Length <= PodLog.Capacity);
    }
}
