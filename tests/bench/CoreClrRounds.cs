using Edge.Bench.Interpreter;

namespace Edge.Bench;

/// <summary>
/// The CoreCLR half of the benches that run the same nanoFramework scenarios on both runtimes
/// (policy, flows): each scenario's least time per iteration over the rounds, and the bytes a step
/// allocates (the least of three runs of 10,000 steps: the hot path must allocate none).
/// </summary>
public static class CoreClrRounds
{
    public static (Dictionary<string, double> Time, Dictionary<string, double> Allocated) Run(SpeedScenario[] scenarios, int rounds, long targetTicks)
    {
        var time = new Dictionary<string, double>();
        var allocated = new Dictionary<string, double>();
        for (int round = 0; round < rounds; round++)
        {
            foreach (SpeedScenario scenario in scenarios)
            {
                double each = SpeedBench.PerIteration(SpeedRunner.Run(scenario, targetTicks));
                time[scenario.Name] = round == 0 ? each : Math.Min(time[scenario.Name], each);
                if (round == 0)
                {
                    allocated[scenario.Name] = AllocatedPerStep(scenario);
                }
            }
        }

        return (time, allocated);
    }

    public static double AllocatedPerStep(SpeedScenario scenario)
    {
        const int Steps = 10_000;
        long least = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Steps; i++)
            {
                scenario.Step();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return (double)least / Steps;
    }
}
