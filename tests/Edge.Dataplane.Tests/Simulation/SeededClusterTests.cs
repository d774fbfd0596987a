using Xunit.Abstractions;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>
/// The deterministic simulation of the whole system (<see cref="SeededCluster"/>) at 100 seeds:
/// after faults and healing, on every board the applied generation is the host's, the
/// endpoints are the host's, no policy the host removed is left, tables are within capacity,
/// no packet buffer leaked, and every transfer that finished came back byte-exact. A failure
/// names its seeds, each reproducible alone (`dotnet run --project tests/bench -- seeds` runs 1,000).
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class SeededClusterTests(ITestOutputHelper output)
{
    [Fact]
    public void A_hundred_seeds_of_faults_heal_to_the_hosts_state_with_every_finished_transfer_exact()
    {
        var failures = new List<string>();
        int finished = 0, abandoned = 0, reboots = 0, dns = 0, partitions = 0, snapshots = 0;
        for (ulong seed = 1; seed <= 100; seed++)
        {
            var cluster = new SeededCluster(seed);
            foreach (string problem in cluster.Run())
            {
                failures.Add($"seed {seed}: {problem}");
            }

            finished += cluster.TransfersFinished;
            abandoned += cluster.TransfersAbandoned;
            reboots += cluster.Reboots;
            dns += cluster.DnsAnswers;
            partitions += cluster.Partitions;
            snapshots += cluster.Snapshots;
        }

        output.WriteLine($"100 seeds: {finished} transfers finished byte-exact, {abandoned} abandoned (partitions, denials, reboots), {dns} DNS answers, {reboots} reboots mid-sync, {partitions} partition changes, {snapshots} snapshots acknowledged");

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(finished > 1000, $"{finished} transfers finished"); // the workload really ran
        Assert.True(reboots > 10, $"{reboots} reboots");
        Assert.True(dns > 1000, $"{dns} DNS answers");
    }
}
