using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Xunit.Abstractions;

namespace Edge.NanoClr.Tests;

/// <summary>
/// Each memory class's worst case on the 32-bit interpreter (a board's heap layout), measured
/// from free-heap figures (<see cref="BoardBudget"/>): the dataplane's assemblies loaded (their
/// runtime tables and statics), then a board brought to the workshop's worst case through its
/// management session (authenticated, as a provisioned board's on the network is) and real
/// traffic, at its peak. The total is held to the class's budget;
/// WROOM's is 64 KiB of its ~90 KB heap. The census (tests/Edge.VirtualBoard.Tests/Budget)
/// prices the board alone, on .NET; this is what the board's runtime says.
/// </summary>
[Trait("Category", Category.NanoClr)]
[Collection(NanoClrCollection.Name)]
public sealed class HeapBudgetTests(NanoClrSession session, ITestOutputHelper output)
{
    private const int Wroom = 1;
    private const int Wrover = 2;
    private const int Large = 3;

    private static readonly object Gate = new();
    private static IReadOnlyList<BoardBudgetFigures>? _figures;

    public static TheoryData<int> Classes() => new(Wroom, Wrover, Large);

    [NanoClrTheory]
    [MemberData(nameof(Classes))]
    public void The_worst_case_with_the_assemblies_fits_the_class_budget_on_the_32_bit_interpreter(int memoryClass)
    {
        BoardBudgetFigures figures = Measured(memoryClass);
        string described = figures.Describe();
        output.WriteLine(described);
        BudgetReport.Add(figures.Name, described);

        Assert.True(figures.Total <= figures.Budget,
            $"{figures.Name} is over its budget on nanoCLR x86 by {BoardBudgetFigures.KiB(-figures.Margin)}:\n{described}");
    }

    [NanoClrFact]
    public void The_measured_WROOM_board_holds_the_worst_case_the_issue_defines()
    {
        BoardBudgetFigures figures = Measured(Wroom);
        IReadOnlyDictionary<string, string> held = figures.Probe.Values;

        Assert.Equal("5", held["snapshots-applied"]);
        Assert.Equal("0", held["snapshots-refused"]);
        Assert.Equal("8", held["pods"]);
        Assert.Equal("8", held["pods-logged"]);
        Assert.Equal("16", held["containers"]); // a toolbox beside each whoami
        Assert.Equal("16", held["containers-ready"]);
        Assert.Equal("8", held["probes"]); // a readiness probe on each whoami
        Assert.True(int.Parse(held["probes-run"], System.Globalization.CultureInfo.InvariantCulture) >= 8, "every probe ran");
        Assert.Equal("0", held["probes-failed"]);
        Assert.Equal("8", held["http-served"]);
        Assert.Equal("32", held["services"]);
        Assert.Equal("64", held["endpoints"]);
        Assert.Equal("32", held["services-connected"]);
        Assert.Equal("44", held["conntrack-capacity"]);
        Assert.Equal("44", held["conntrack"]);
        Assert.Equal("16", held["policies"]);
        Assert.True(int.Parse(held["policy-connections"], System.Globalization.CultureInfo.InvariantCulture) > 0, "the traffic was remembered as allowed");
        Assert.Equal("8", held["ingress-routes"]);
        Assert.Equal("1", held["ingress-served"]);
        Assert.Equal("yes", held["resync-applied"]);
        Assert.Equal("yes", held["moved-applied"]);
    }

    [NanoClrFact]
    public void The_WROOM_boards_worst_case_state_crosses_in_parts_no_larger_than_its_frame()
    {
        BoardBudgetFigures figures = Measured(Wroom);
        IReadOnlyDictionary<string, string> held = figures.Probe.Values;

        // The worst case's state is larger than a WROOM board's frame: it crossed (and at the peak
        // was decoded) in several parts, each in the frame reader's buffer, none held whole.
        int parts = int.Parse(held["snapshot-parts"], System.Globalization.CultureInfo.InvariantCulture);
        int framed = int.Parse(held["snapshot"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(parts > 1, $"the worst case's state crossed in {parts} part");
        Assert.True(framed > Frame.HeaderLength + MemoryClass.MaxPayload(MemoryClass.Wroom) + Frame.TrailerLength, $"{framed} bytes framed fit one frame");
        Assert.Equal(MemoryClass.MaxOutPayload(MemoryClass.Wroom), MemoryClass.MaxPayload(MemoryClass.Wroom));
        Assert.True(figures.Probe.Number("peak-between-parts") > 0);
    }

    [NanoClrFact]
    public void The_measured_board_is_provisioned_and_its_control_plane_authenticated_as_on_the_network()
    {
        BoardBudgetFigures figures = Measured(Wroom);
        IReadOnlyDictionary<string, string> held = figures.Probe.Values;

        // The host proved the key on the board's nonce through its ControlPlaneLine and the board
        // proved it back; every snapshot then came sealed and opened (none refused, none broke
        // the session).
        Assert.Equal("yes", held["authenticated"]);
        Assert.Equal("5", held["snapshots-applied"]);
        Assert.Equal("0", held["session-frames-refused"]);

        // At the peak another connection waited to prove the key, and was hung up when its time ran out.
        Assert.Equal("yes", held["candidate-pending"]);
        Assert.Equal("yes", held["candidate-refused"]);

        // SHA-256's round constants (64 words), made by the host's SessionAuth first, are the board's.
        Assert.Equal(BoardBudget.RoundUp(20 + 64 * 4), figures.FirstUse);
    }

    [NanoClrTheory]
    [MemberData(nameof(Classes))]
    public void The_memory_a_board_offers_pods_is_what_its_budget_leaves_beside_everything_else_at_its_worst(int memoryClass)
    {
        BoardBudgetFigures figures = Measured(memoryClass);
        long pods = figures.Pods;
        long everythingElse = figures.Total - pods;
        output.WriteLine($"{figures.Name}: the worst case's 8 pods held {pods:N0} bytes; beside everything else the budget leaves pods {figures.Budget - everythingElse:N0}; the Node offers {MemoryClass.PodMemory(memoryClass):N0}");

        // The Node's allocatable memory (what the scheduler fills with requests) must fit where the
        // worst case's 8 pods sat, plus the margin, so pods requesting it all still keep the budget.
        Assert.True(pods > 8 * 1024, $"{figures.Name}'s 8 pods held {pods} bytes: each holds its sandbox and image, more than 1 KiB");
        Assert.True(everythingElse + MemoryClass.PodMemory(memoryClass) <= figures.Budget,
            $"{figures.Name} offers pods {MemoryClass.PodMemory(memoryClass)} bytes, but its budget leaves them {figures.Budget - everythingElse} (its worst case's pods held {pods})");

        // What the board charges each pod before its programs ask for any (stress's blocks get the
        // rest of what it offers): what each of the worst case's pods holds of whoami alone (before
        // its sidecar and probe), at least, and not 10% more.
        Assert.InRange(MemoryClass.PodBytes(memoryClass), figures.PerPod, figures.PerPod * 11 / 10);
    }

    [NanoClrTheory]
    [MemberData(nameof(Classes))]
    public void What_the_board_charges_a_pod_for_a_sidecar_and_a_probe_is_what_each_holds_on_the_32_bit_interpreter(int memoryClass)
    {
        BoardBudgetFigures figures = Measured(memoryClass);
        output.WriteLine($"{figures.Name}: a pod {figures.PerPod:N0} bytes, a sidecar {figures.PerContainer:N0}, a probe {figures.PerProbe:N0} (one in flight {figures.Probe.Number("probe-in-flight"):N0} more)");

        // Each class's worst case has a toolbox sidecar and a readiness probe in every pod (as many
        // as it takes), so each is measured: what the board charges a pod for one is its share, at
        // least, and not 10% more.
        Assert.Equal(8, figures.Probe.Number("sidecar-pods"));
        Assert.Equal(8, figures.Probe.Number("probed-pods"));
        Assert.InRange(MemoryClass.ContainerBytes(memoryClass), figures.PerContainer, figures.PerContainer * 11 / 10);
        Assert.InRange(MemoryClass.ProbeBytes(memoryClass), figures.PerProbe, figures.PerProbe * 11 / 10);
    }

    [NanoClrFact]
    public void Loading_costs_the_assemblies_runtime_tables_and_statics_and_no_more()
    {
        BoardBudgetFigures figures = Measured(Wroom);

        // What the static constructors make is small and known (CRC table, empty arrays, name
        // tables); a jump here is a static buffer someone added, which the board pays for always.
        Assert.InRange(figures.Statics, 0, 2048);
        Assert.True(figures.AssemblyTables > 0);
    }

    private BoardBudgetFigures Measured(int memoryClass)
    {
        lock (Gate)
        {
            _figures ??= BoardBudget.Measure(NanoClrSession.Toolchain, session.Dataplane.Select(a => (a.Dll, a.Pe)).ToArray(), session.WorkDirectory, [Wroom, Wrover, Large]);
        }

        BoardBudgetFigures figures = _figures.Single(f => f.MemoryClass == memoryClass);
        Assert.True(figures.Completed,
            $"the measuring programs did not finish on nanoCLR x86:\n{figures.Probe.Run.Tail(25)}\n--- baseline:\n{figures.Empty.Run.Tail(10)}");
        return figures;
    }
}

/// <summary>Each class's measured figures in artifacts/nf/budget/, for CI to print (a passing test's output is not shown).</summary>
public static class BudgetReport
{
    public static void Add(string memoryClass, string described)
    {
        string dir = RepoPaths.Of("artifacts", "nf", "budget");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, memoryClass + ".txt"), described + "\n");
    }
}
