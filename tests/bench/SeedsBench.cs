using System.Diagnostics;
using Edge.Dataplane.Tests.Simulation;

namespace Edge.Bench;

/// <summary>
/// `-- seeds [N]`: the whole-system simulation (SeededCluster: a host and three boards on the
/// virtual clock, faults, healing, invariants) at N seeds (1,000 by default; CI runs 100 as a
/// test). Prints every broken invariant with its seed, and the workload it got through.
/// </summary>
public static class SeedsBench
{
    public static int Run(int seeds)
    {
        var clock = Stopwatch.StartNew();
        int failed = 0, finished = 0, abandoned = 0, reboots = 0, dns = 0, partitions = 0, snapshots = 0;
        for (ulong seed = 1; seed <= (ulong)seeds; seed++)
        {
            var cluster = new SeededCluster(seed);
            List<string> broken = cluster.Run();
            foreach (string problem in broken)
            {
                Console.WriteLine($"seed {seed}: {problem}");
            }

            failed += broken.Count > 0 ? 1 : 0;
            finished += cluster.TransfersFinished;
            abandoned += cluster.TransfersAbandoned;
            reboots += cluster.Reboots;
            dns += cluster.DnsAnswers;
            partitions += cluster.Partitions;
            snapshots += cluster.Snapshots;
        }

        Console.WriteLine($"{seeds} seeds in {clock.Elapsed.TotalSeconds:F0} s: {seeds - failed} held every invariant, {failed} did not");
        Console.WriteLine($"workload: {finished} TCP transfers finished byte-exact through the Service, {abandoned} abandoned, {dns} DNS answers; " +
            $"faults: {reboots} boards rebooted right after a snapshot was sent, {partitions} partition changes; {snapshots} snapshots acknowledged");
        return failed == 0 ? 0 : 1;
    }
}
