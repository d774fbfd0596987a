namespace Edge.NanoClr.Tests.OnDevice;

/// <summary>
/// Every on-device test, as the board's own runtime runs it: nanoCLR, with the dataplane's
/// assemblies as the metadata processor made them. One xUnit result per test.
/// </summary>
[Trait("Category", Category.NanoClr)]
[Collection(NanoClrCollection.Name)]
public sealed class OnDeviceTests(NanoClrSession session)
{
    public static TheoryData<string> Tests() => new(OnDeviceTestNames.All());

    [NanoClrTheory]
    [MemberData(nameof(Tests))]
    public void Passes_on_nanoCLR(string test)
    {
        OnDeviceRun run = session.OnDevice;
        if (!run.Results.TryGetValue(test, out OnDeviceResult? result))
        {
            Assert.Fail(run.Run.TimedOut ? $"{test}: nanoCLR did not finish the tests in time; its last lines:\n{run.Run.Tail()}"
                : run.Run.Crashed || !run.Run.Started ? $"{test}: nanoCLR stopped before reaching it:\n{run.Run.Tail()}"
                : $"{test}: the launcher never reported it (a class the metadata processor left out?); it reported {run.Results.Count} tests; nanoCLR's last lines:\n{run.Run.Tail()}");
        }

        Assert.True(result.Outcome == OnDeviceOutcome.Passed,
            $"{test} {result.Outcome.ToString().ToLowerInvariant()} on nanoCLR: {result.Detail}" + (result.Output.Length > 0 ? "\nit wrote:\n" + result.Output : ""));
    }

    [NanoClrFact]
    public void The_launcher_reports_no_test_the_sources_do_not_have()
    {
        string[] unknown = session.OnDevice.Results.Keys.Except(OnDeviceTestNames.All()).ToArray();

        Assert.True(unknown.Length == 0, "reported but not found in the sources: " + string.Join(", ", unknown));
    }
}
