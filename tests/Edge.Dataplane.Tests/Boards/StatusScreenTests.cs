using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Boards;

/// <summary>
/// A board's display: 8 lines of 16 characters saying which node it is, where, how it is, and
/// what it runs; redrawn only when something changed; drawn in a font that has every character
/// a node's screen can show.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class StatusScreenTests
{
    private static RunningPod Pod(string name, int phase) => new() { Spec = new PodSpec { Name = name }, Phase = phase };

    private static string[] Lines(StatusScreen screen) => Enumerable.Range(0, StatusScreen.Rows).Select(r => screen.Line(r).TrimEnd()).ToArray();

    [Fact]
    public void A_ready_node_shows_its_name_address_status_and_pods_with_their_phase()
    {
        var screen = new StatusScreen();

        Assert.True(screen.Render("lab-a", Ipv4Address.FromOctets(192, 168, 50, 11), NodeStatus.Ready,
            [Pod("whoami-1", PodPhase.Running), Pod("db-0", PodPhase.Pending), Pod("crashy", PodPhase.Failed)], 8));

        Assert.Equal(["lab-a", "192.168.50.11", "ready", "pods 3/8", "whoami-1     run", "db-0         pnd", "crashy       err", ""], Lines(screen));
    }

    [Fact]
    public void Long_names_end_in_a_tilde_and_pods_beyond_the_screen_are_counted()
    {
        var screen = new StatusScreen();
        RunningPod[] pods = Enumerable.Range(1, 6).Select(i => Pod("frontend-7d9f8b6c5-x2k4p-" + i, PodPhase.Running)).ToArray();

        screen.Render("a-very-long-node-name", 0, NodeStatus.WaitingForControlPlane, pods, 8);

        Assert.Equal(["a-very-long-nod~", "no address", "waiting for cp", "pods 6/8", "frontend-7d~ run", "frontend-7d~ run", "frontend-7d~ run", "+3 more"], Lines(screen));
        Assert.All(Lines(screen), line => Assert.True(line.Length <= StatusScreen.Columns));
    }

    [Fact]
    public void Before_the_node_runs_the_screen_says_only_who_it_is_and_what_it_waits_for()
    {
        var screen = new StatusScreen();

        screen.Render("node-3f2a", 0, NodeStatus.NoLink, null!, 0);

        Assert.Equal(["node-3f2a", "no address", "no link", "", "", "", "", ""], Lines(screen));
    }

    [Fact]
    public void Only_a_change_asks_for_a_redraw()
    {
        var screen = new StatusScreen();
        RunningPod pod = Pod("web-1", PodPhase.Pending);
        uint address = Ipv4Address.FromOctets(10, 0, 0, 2);

        Assert.True(screen.Render("n", address, NodeStatus.Ready, [pod], 8));
        Assert.False(screen.Render("n", address, NodeStatus.Ready, [pod], 8));
        pod.Phase = PodPhase.Running;
        Assert.True(screen.Render("n", address, NodeStatus.Ready, [pod], 8));
        Assert.False(screen.Render("n", address, NodeStatus.Ready, [pod], 8));
        Assert.True(screen.Render("n", address, NodeStatus.NoLink, [pod], 8));
    }

    [Fact]
    public void The_font_draws_every_character_of_DNS_names_addresses_and_the_screens_own_words()
    {
        const string shown = "abcdefghijklmnopqrstuvwxyz0123456789-. /+~:";

        Assert.All(shown, c => Assert.True(ScreenFont.Has(c), $"no glyph for '{c}'"));
        Assert.False(ScreenFont.Has('#'));
        Assert.Equal(Glyph('?'), Glyph('#'));
        Assert.Equal(Glyph('a'), Glyph('A')); // uppercase is drawn as lowercase
        Assert.Equal(shown.Length, shown.Select(c => Convert.ToHexString(Glyph(c))).Distinct().Count()); // no two alike
    }

    [Fact]
    public void A_glyph_is_eight_rows_with_bit_0_the_leftmost_pixel_and_a_blank_column_either_side()
    {
        // '1': ..#.. / .##.. / ..#.. x4 / .###. / .....
        Assert.Equal([0x08, 0x0C, 0x08, 0x08, 0x08, 0x08, 0x1C, 0x00], Glyph('1'));
        Assert.All("abcdefghijklmnopqrstuvwxyz0123456789", c => Assert.All(Glyph(c), row => Assert.Equal(0, row & 0b1100_0001)));
    }

    private static byte[] Glyph(char c)
    {
        var rows = new byte[ScreenFont.Height];
        ScreenFont.Rows(c, rows);
        return rows;
    }
}
