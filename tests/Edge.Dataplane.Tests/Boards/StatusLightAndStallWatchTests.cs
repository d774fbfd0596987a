using Edge.Dataplane.Boards;
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Tests.Boards;

/// <summary>What a board's LEDs say, and when its watchdog gives up on the loop.</summary>
[Trait("Category", Category.Firmware)]
public sealed class StatusLightAndStallWatchTests
{
    /// <summary>How many separate blinks the status LED makes in one two-second cycle.</summary>
    private static int BlinksPerCycle(StatusLight light, long start)
    {
        int blinks = 0;
        bool was = false;
        for (long t = start; t < start + 2000; t++)
        {
            bool on = light.StatusOn(t);
            blinks += on && !was ? 1 : 0;
            was = on;
        }

        return blinks;
    }

    [Theory]
    [InlineData(NodeStatus.Booting, 1)]
    [InlineData(NodeStatus.NoLink, 2)]
    [InlineData(NodeStatus.WaitingForControlPlane, 3)]
    [InlineData(NodeStatus.Fault, 10)]
    public void Each_state_blinks_its_own_count_every_two_seconds(int status, int blinks)
    {
        var light = new StatusLight();
        light.SetStatus(status);

        Assert.Equal(blinks, BlinksPerCycle(light, 10_000));
        Assert.Equal(blinks, BlinksPerCycle(light, 12_000));
    }

    [Fact]
    public void A_ready_board_is_steady_and_its_activity_light_flickers_after_each_frame()
    {
        var light = new StatusLight();
        light.SetStatus(NodeStatus.Ready);
        Assert.All(Enumerable.Range(0, 2000), t => Assert.True(light.StatusOn(t)));

        light.Activity(5_000);
        Assert.True(light.ActivityOn(5_010));
        Assert.False(light.ActivityOn(5_031));
        Assert.Contains("steady", StatusLight.Describe(NodeStatus.Ready));
    }

    [Fact]
    public void The_watch_says_stalled_only_when_the_loop_misses_more_checks_in_a_row_than_allowed_and_names_where_it_stuck()
    {
        var watch = new StallWatch(checksAllowed: 2);
        watch.Beat("session");
        Assert.False(watch.Check()); // a turn since the last check
        watch.Beat("dataplane");
        Assert.False(watch.Check());

        Assert.False(watch.Check()); // missed 1
        Assert.False(watch.Check()); // missed 2
        Assert.True(watch.Check());  // missed 3: stalled
        Assert.Equal("the main loop has not come round for 15 s (stuck in dataplane); restarting", watch.Describe(5_000));
    }

    [Fact]
    public void A_loop_that_comes_round_again_starts_the_count_over()
    {
        var watch = new StallWatch(checksAllowed: 1);
        watch.Beat("session");
        watch.Check();
        Assert.False(watch.Check());
        watch.Beat("session");
        Assert.False(watch.Check());
        Assert.False(watch.Check());
        Assert.True(watch.Check());
    }

    [Fact]
    public void Console_pins_are_set_only_where_checked_and_never_on_the_RMII_clock_pin()
    {
        foreach (BoardProfile p in BoardProfiles.All)
        {
            string clock = p.RmiiClock;
            Assert.DoesNotContain("GPIO" + p.ConsoleTx.ToString() + ",", clock + ",");
            Assert.DoesNotContain("GPIO" + p.ConsoleRx.ToString() + ",", clock + ",");
        }

        Assert.True(BoardProfiles.Find("wt32-eth01")!.HasConsole);
        Assert.Equal((149, 157), (BoardProfiles.Find("stm32f769i-disco")!.StatusLed, BoardProfiles.Find("stm32f769i-disco")!.ActivityLed));
    }
}
