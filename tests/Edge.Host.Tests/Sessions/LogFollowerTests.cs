using Edge.Host.Sessions;

namespace Edge.Host.Tests.Sessions;

/// <summary>logs -f from a board's bounded log: each look prints only the lines that are new, also when the ring has dropped the oldest.</summary>
[Trait("Category", Category.Unit)]
public sealed class LogFollowerTests
{
    [Fact]
    public void The_first_look_prints_everything_and_later_ones_only_what_was_added()
    {
        var follow = new LogFollower();

        Assert.Equal("a\nb\n", follow.Next("a\nb\n"));
        Assert.Equal("", follow.Next("a\nb\n"));
        Assert.Equal("c\n", follow.Next("a\nb\nc\n"));
    }

    [Fact]
    public void Lines_dropped_from_the_start_of_the_ring_do_not_make_the_rest_look_new()
    {
        var follow = new LogFollower();
        follow.Next("1\n2\n3\n4\n");

        Assert.Equal("5\n6\n", follow.Next("3\n4\n5\n6\n"));
    }

    [Fact]
    public void A_ring_that_dropped_bytes_mid_line_still_gives_only_the_new_lines()
    {
        var follow = new LogFollower();
        follow.Next("GET /a 200\nGET /b 200\n");

        Assert.Equal("GET /c 200\n", follow.Next("b 200\nGET /c 200\n"));
    }

    [Fact]
    public void A_repeated_line_is_still_new_when_it_is_written_again()
    {
        var follow = new LogFollower();
        follow.Next("GET / 200\nGET / 200\n");

        Assert.Equal("GET / 200\n", follow.Next("GET / 200\nGET / 200\nGET / 200\n"));
    }

    [Fact]
    public void A_line_not_yet_ended_waits_for_its_end()
    {
        var follow = new LogFollower();

        Assert.Equal("a\n", follow.Next("a\nhalf"));
        Assert.Equal("half a line\n", follow.Next("a\nhalf a line\n"));
    }

    [Fact]
    public void When_more_was_written_than_the_ring_holds_the_snapshot_comes_whole()
    {
        var follow = new LogFollower();
        follow.Next("1\n2\n");

        Assert.Equal("7\n8\n", follow.Next("7\n8\n"));
    }
}
