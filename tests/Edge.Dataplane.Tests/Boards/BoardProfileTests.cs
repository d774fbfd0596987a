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
}
