using Edge.Dataplane.Boards;
using Edge.VirtualBoard.Budget;

namespace Edge.VirtualBoard.Tests.Budget;

/// <summary>
/// Each memory class's worst case against its heap budget, priced as nanoFramework lays the heap
/// out: the state a board holds after applying it, plus a fresh snapshot decoded beside it.
/// </summary>
[Trait("Category", Category.Firmware)]
public sealed class BoardBudgetTests
{
    [Theory]
    [InlineData(MemoryClass.Wrover)]
    [InlineData(MemoryClass.Large)]
    public void A_board_with_PSRAM_or_SDRAM_holds_its_worst_case_and_a_new_snapshot_within_its_budget(int memoryClass)
    {
        var board = new WorstCaseBoard(memoryClass);
        long peak = Math.Max(board.Census().TotalBytes, board.PeakWhileEverythingChanges());

        Assert.True(peak <= MemoryClass.BudgetBytes(memoryClass),
            $"{MemoryClass.Name(memoryClass)}: {peak / 1024} KiB at the peak, budget {MemoryClass.BudgetBytes(memoryClass) / 1024} KiB");
    }

    /// <summary>
    /// Not yet the 64 KiB a WROOM board has for the dataplane (issue 7 is open on it): this holds
    /// the ground gained so far, so a change that costs a small board memory shows here first.
    /// Lower the ceiling as the board gets lighter; the target is <see cref="MemoryClass.BudgetBytes"/>.
    /// </summary>
    [Fact]
    public void A_WROOM_board_at_its_worst_case_stays_under_the_ceiling_reached_so_far()
    {
        var board = new WorstCaseBoard(MemoryClass.Wroom);
        var census = board.Census();
        long peak = Math.Max(census.TotalBytes, board.PeakWhileEverythingChanges()); // a changed service starts with no counters: the steady heap can be the higher
        const long Ceiling = 68 * 1024;

        Assert.True(peak <= Ceiling, $"{peak / 1024.0:F1} KiB at the peak (ceiling {Ceiling / 1024} KiB, target {MemoryClass.BudgetBytes(MemoryClass.Wroom) / 1024} KiB); largest:\n{census.TopFields(12)}");
    }

    [Fact]
    public void The_worst_case_is_what_the_issue_asks_a_WROOM_board_to_hold()
    {
        var board = new WorstCaseBoard(MemoryClass.Wroom);

        Assert.Equal(8, board.Agent.Pods.Length);
        Assert.Equal(32, board.Agent.Node.Proxy.Services.Count);
        Assert.Equal(64, board.Agent.AppliedState.Services.Sum(s => s.EndpointCount));
        Assert.Equal(256, board.Agent.Node.Proxy.Conntrack.Capacity);
    }
}
