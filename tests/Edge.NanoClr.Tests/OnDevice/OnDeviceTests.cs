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
        OnDeviceRun all = session.OnDevice;
        if (!all.Results.TryGetValue(test, out OnDeviceResult? result))
        {
            NanoClrRun run = all.RunOf(test);
            Assert.Fail(run.TimedOut ? $"{test}: nanoCLR did not finish the tests in time; its last lines:\n{run.Tail()}"
                : run.Crashed || !run.Started ? $"{test}: nanoCLR stopped before reaching it:\n{run.Tail()}"
                : $"{test}: the launcher never reported it (a class the metadata processor left out?); it reported {all.Results.Count} tests in {all.Runs.Count} runs; nanoCLR's last lines:\n{run.Tail()}");
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
