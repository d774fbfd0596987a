using Edge.Dataplane.Boards;

namespace Edge.Dataplane.Tests.Boards;

/// <summary>The supported boards: one profile each, found by the names instructors type, documented in boards/README.md.</summary>
[Trait("Category", Category.Firmware)]
public sealed class BoardProfileTests
{
    [Fact]
    public void Every_board_has_a_unique_id_a_nanoff_target_and_a_memory_class()
    {
        Assert.Equal(BoardProfiles.All.Length, BoardProfiles.All.Select(p => p.Id).Distinct().Count());
        Assert.Equal(BoardProfiles.All.Length, BoardProfiles.All.Select(p => p.NanoffTarget).Distinct().Count());
        Assert.All(BoardProfiles.All, p =>
        {
            Assert.Matches("^[a-z0-9-]+$", p.Id);
            Assert.Contains(p.MemoryClass, new[] { MemoryClass.Wroom, MemoryClass.Wrover, MemoryClass.Large });
        });
    }

    [Fact]
    public void A_board_is_found_by_id_or_by_nanoff_target_in_any_case()
    {
        Assert.Equal("ESP32_WT32_ETH01", BoardProfiles.Find("wt32-eth01")!.NanoffTarget);
        Assert.Equal("wt32-eth01", BoardProfiles.Find("esp32_wt32_eth01")!.Id);
        Assert.Null(BoardProfiles.Find("esp8266"));
        Assert.Null(BoardProfiles.Find(null!));
    }

    [Fact]
    public void The_boards_readme_lists_every_profile()
    {
        string readme = File.ReadAllText(RepoPaths.Of("boards", "README.md"));
        Assert.All(BoardProfiles.All, p =>
        {
            Assert.Contains($"`{p.Id}`", readme);
            Assert.Contains(p.NanoffTarget, readme);
        });
    }

    // ESP32 pins a board's own pins must stay off: the SPI flash (6-11) and the EMAC's fixed RMII
    // pins (TXD0 19, TX_EN 21, TXD1 22, RXD0 25, RXD1 26, CRS_DV 27); 34-39 are inputs only.
    private static readonly int[] Esp32Reserved = [6, 7, 8, 9, 10, 11, 19, 21, 22, 25, 26, 27];

    [Fact]
    public void ESP32_boards_use_each_pin_once_never_one_Ethernet_or_flash_needs_and_drive_no_input_only_pin()
    {
        foreach (BoardProfile p in BoardProfiles.All.Where(p => p.NanoffTarget.StartsWith("ESP32")))
        {
            int[] used = new[] { p.ConsoleTx, p.ConsoleRx, p.I2cData, p.I2cClock, p.StatusLed, p.ActivityLed }.Where(pin => pin >= 0).ToArray();
            int[] driven = new[] { p.ConsoleTx, p.I2cData, p.I2cClock, p.StatusLed, p.ActivityLed }.Where(pin => pin >= 0).ToArray();

            Assert.Equal(used.Length, used.Distinct().Count());
            Assert.Empty(used.Intersect(Esp32Reserved));
            Assert.DoesNotContain(used, pin => p.RmiiClock.EndsWith("GPIO" + pin));
            Assert.DoesNotContain(driven, pin => pin >= 34 && pin <= 39);
        }
    }

    [Fact]
    public void The_checked_console_and_display_pins_are_the_ones_the_boards_documentation_gives()
    {
        BoardProfile olimex = BoardProfiles.Find("olimex-esp32-poe")!;
        BoardProfile lilygo = BoardProfiles.Find("lilygo-t-internet-poe")!;

        Assert.Equal((4, 36, 13, 16), (olimex.ConsoleTx, olimex.ConsoleRx, olimex.I2cData, olimex.I2cClock));
        Assert.Equal((14, 15), (lilygo.I2cData, lilygo.I2cClock));
        Assert.Equal((32, 33), (BoardProfiles.Find("esp32-ethernet-kit")!.ConsoleTx, BoardProfiles.Find("esp32-ethernet-kit")!.ConsoleRx));
        Assert.False(lilygo.HasConsole);
        Assert.False(BoardProfiles.Find("olimex-esp32-poe-wrover")!.HasDisplayBus); // GPIO16 is the WROVER's PSRAM
    }
}
