using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
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
    [InlineData(MemoryClass.Wroom)]
    [InlineData(MemoryClass.Wrover)]
    [InlineData(MemoryClass.Large)]
    public void A_board_holds_its_worst_case_and_a_changed_snapshot_within_its_budget(int memoryClass)
    {
        var board = new WorstCaseBoard(memoryClass);
        var census = board.Census();
        long peak = Math.Max(census.TotalBytes, board.PeakWhileEverythingChanges()); // a changed service starts with no counters: the steady heap can be the higher
        long budget = MemoryClass.BudgetBytes(memoryClass);

        Assert.True(peak <= budget,
            $"{MemoryClass.Name(memoryClass)}: {peak / 1024.0:F1} KiB at the peak, budget {budget / 1024} KiB; largest:\n{census.TopFields(12)}");
    }

    [Fact]
    public void The_worst_case_is_what_the_issue_asks_a_WROOM_board_to_hold()
    {
        var board = new WorstCaseBoard(MemoryClass.Wroom);

        Assert.Equal(8, board.Agent.Pods.Length);
        Assert.Equal(16, board.Agent.Pods.Sum(p => p.Containers.Count(c => c.Running && c.Ready))); // a toolbox beside each whoami
        Assert.Equal(8, board.Agent.Pods.Sum(p => p.Containers.Count(c => c.Spec.Probe(ProbeSpec.Readiness) != null))); // a readiness probe on each
        Assert.Equal(32, board.Agent.Node.Proxy.Services.Count);
        Assert.Equal(64, board.Agent.AppliedState.Services.Sum(s => s.EndpointCount));
        Assert.Equal(44, board.Agent.Node.Proxy.Conntrack.Capacity); // 256 before network policy, 192 before the management line's authentication, 128 before ingress, 48 before port-forward and lingering close
        Assert.Equal(WorstCaseBoard.PolicyCount, board.Agent.Node.Policy!.Set.PolicyCount);
        Assert.Equal(WorstCaseBoard.IngressRouteCount, board.Agent.Node.Ingress!.Routes.Count);
        Assert.True(board.IngressServed, "a request went through the board's ingress to a whoami pod and back");
    }

    [Fact]
    public void A_WROOM_board_takes_the_worst_case_state_over_its_session_in_parts_none_larger_than_its_frame()
    {
        var board = new WorstCaseBoard(MemoryClass.Wroom);

        // The state is larger than the board's frame: it crossed its authenticated session in sealed parts and applied.
        Assert.True(board.Snapshot.Length > MemoryClass.MaxPayload(MemoryClass.Wroom), $"{board.Snapshot.Length} bytes");
        Assert.True(board.SnapshotParts > 1, $"{board.SnapshotParts} part");
        Assert.Equal(3L, board.Session.SnapshotsApplied);
        Assert.Equal(0L, board.Session.SnapshotsRefused);
        Assert.Equal(0L, board.Session.GarbageBytes);
        Assert.Equal(3u, board.Agent.AppliedGeneration);
    }

    [Fact]
    public void The_worst_case_board_is_provisioned_and_its_control_plane_authenticated_and_the_census_counts_both()
    {
        var board = new WorstCaseBoard(MemoryClass.Wroom);
        NanoHeapCensus census = board.Census();

        Assert.NotNull(board.Session.Trust);
        Assert.True(board.Session.Authenticated);
        Assert.Equal(1, board.Lines.Taken);
        Assert.True(board.HostAuth.Established);
        Assert.True(census.Parts["control plane line"] >= 2 * (20 + 16 + 8), "the line's two nonces");

        // A connection waiting to prove the key holds its reader (64 bytes of payload) and the line's
        // own fields: the peak counts it.
        long before = board.Census().TotalBytes;
        NullPlatform.Line waiting = board.ConnectionWaiting();
        long withCandidate = board.Census().TotalBytes;
        Assert.True(waiting.Waiting > 0, "the board said Hello to the waiting connection");
        Assert.InRange(withCandidate - before, 20 + 8 + 64 + 4, 400);
    }
}
