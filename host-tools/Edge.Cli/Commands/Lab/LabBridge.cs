using Edge.Cli.Commands.Overlay;
using Edge.Dataplane.Wire;

namespace Edge.Cli.Commands.Lab;

/// <summary>
/// Makes and removes a lab's bridge layout on this host (<see cref="LabNetwork"/> says what it
/// is, <see cref="BridgePlan"/> which commands). Everything here can be run again: `lab up` after
/// a crash finds half of it and completes it, `lab down` after one removes what is there.
/// </summary>
public static class LabBridge
{
    /// <summary>
    /// The lab's network, its bridge up with this host's address: the /24 kept from an earlier
    /// `lab up`, else the first free one. Refuses a kept /24 that something else on this host
    /// now uses (the boards' addresses would be ambiguous).
    /// </summary>
    public static LabNetwork Prepare(string lab)
    {
        using IDisposable held = HostCommands.Lock();
        LabNetwork? network = LabNetwork.Load(lab);
        List<(uint Network, int Prefix)> inUse = HostCommands.PrefixesInUse(ignoredDevice: "edge-" + LabNetwork.TagFor(lab));
        if (network == null)
        {
            foreach (string kept in LabNetwork.SubnetsOfOtherLabs(lab))
            {
                if (LabLayout.TryParsePrefix(kept, out uint n, out int p))
                {
                    inUse.Add((n, p));
                }
            }

            string subnet = LabLayout.PickSubnet(inUse)
                ?? throw new CliException($"every /24 of {LabLayout.Range} is in use on this host; `edgectl lab up --first-address 127.0.10.1` runs the lab on loopback");
            network = new LabNetwork { Lab = lab, Subnet = subnet };
            network.Save(); // before anything is made: `lab down` finds it even if this run dies halfway
        }
        else
        {
            Ipv4Address.TryParseCidr(network.Subnet, out uint kept, out _);
            if (inUse.FirstOrDefault(u => LabLayout.Overlaps(kept, 24, u.Network, u.Prefix)) is { Prefix: > 0 } clash)
            {
                throw new CliException($"lab \"{lab}\"'s subnet {network.Subnet} is now used by something else on this host "
                    + $"({Ipv4Address.FormatCidr(clash.Network, clash.Prefix)}: `ip route`); remove that, or `edgectl lab down --purge --lab {lab}` to give the lab another");
            }
        }

        HostCommands.Run(BridgePlan.Bridge(network, HostCommands.LinkExists(network.Bridge)), tolerateFailure: false);
        return network;
    }

    /// <summary>
    /// Gives up a bridge layout that could not be made (root in a container without the right to
    /// make links or namespaces): removes what was made and the record, so the lab can take loopback.
    /// </summary>
    public static void Abandon(string lab)
    {
        if (LabNetwork.Load(lab) is not { } network)
        {
            return;
        }

        try
        {
            Teardown(network);
        }
        catch (CliException)
        {
            // what could not be made cannot be removed either
        }

        File.Delete(LabNetwork.PathFor(lab));
    }

    /// <summary>Node-N's namespace, made afresh (what a dead board left behind is removed first, and a board lab.json lost track of stopped).</summary>
    public static void PrepareBoard(LabNetwork network, int n)
    {
        StopProcessesIn(network.BoardNamespace(n));
        HostCommands.Run(BridgePlan.RemoveBoard(network, n), tolerateFailure: true);
        HostCommands.Run(BridgePlan.Board(network, n), tolerateFailure: false);
    }

    /// <summary>
    /// Removes all of the layout that exists: joined devices and links, every board namespace
    /// and veth named for this lab, the bridge. Returns what it removed, in words. The record
    /// (the lab's /24) stays, for the next `lab up`.
    /// </summary>
    public static List<string> Teardown(LabNetwork network)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new CliException($"lab \"{network.Lab}\" runs on a bridge ({network.Bridge}), which only root can remove: `sudo edgectl lab down`");
        }

        var removed = new List<string>();
        foreach (LabNetworkJoin join in network.Joined)
        {
            HostCommands.Run(OverlayPlan.Leave(join.Device, join.Netns), tolerateFailure: true);
            if (join.Link is int k)
            {
                HostCommands.Run(BridgePlan.RemoveNamespace(network, k), tolerateFailure: true);
            }

            removed.Add($"{join.Device} of {(join.Netns != null ? $"namespace {join.Netns}" : "this host")}{(join.Link is int l ? $" and {network.JoinPort(l)}" : "")}");
        }

        network.Joined.Clear();
        network.Save();

        List<string> namespaces = HostCommands.Namespaces().Where(ns => IsNumbered(ns, network.BoardNamespacePrefix)).ToList();
        removed.AddRange(namespaces.SelectMany(StopProcessesIn).Select(pid => $"process {pid}"));

        // A veth goes with both its ends at once; deleting its namespace first would leave the bridge's end to the kernel's cleanup, a moment later.
        foreach (string link in HostCommands.Links().Where(l => l.StartsWith($"edge-{network.Tag}-", StringComparison.Ordinal)))
        {
            if (HostCommands.Exec($"ip link del {link}").Code == 0)
            {
                removed.Add(link);
            }
        }

        HostCommands.Run(namespaces.Select(ns => $"ip netns del {ns}"), tolerateFailure: false);
        removed.AddRange(namespaces.Select(ns => "namespace " + ns));
        if (HostCommands.LinkExists(network.Bridge))
        {
            HostCommands.Run(BridgePlan.RemoveBridge(network), tolerateFailure: false);
            removed.Add("bridge " + network.Bridge);
        }

        return removed;
    }

    /// <summary>
    /// Links a namespace someone made into the bridge (or finds its link from an earlier join) and
    /// returns its address there. With <paramref name="dryRun"/> it only says which commands it would run.
    /// </summary>
    public static (LabNetworkJoin Join, string Address, List<string> Commands) LinkNamespace(LabNetwork network, string netns, bool dryRun)
    {
        if (!HostCommands.Namespaces().Contains(netns))
        {
            throw new CliException($"no network namespace \"{netns}\" (`ip netns list`): make it with `ip netns add {netns}`");
        }

        using IDisposable held = HostCommands.Lock();
        LabNetwork current = LabNetwork.Load(network.Lab) ?? network;
        LabNetworkJoin? earlier = current.Joined.FirstOrDefault(j => j.Netns == netns && j.Link != null);
        if (earlier?.Link is int again && HostCommands.LinkExists(current.JoinPort(again)))
        {
            return (earlier, current.JoinAddress(again), []);
        }

        int k = earlier?.Link ?? Enumerable.Range(1, LabNetwork.MaxJoins).FirstOrDefault(i => !current.Joined.Any(j => j.Link == i));
        if (k == 0)
        {
            throw new CliException($"{LabNetwork.MaxJoins} namespaces have joined lab \"{network.Lab}\" already: `edgectl overlay leave --netns NS` some");
        }

        List<string> commands = BridgePlan.Namespace(current, k, netns);
        var join = earlier ?? new LabNetworkJoin { Netns = netns, Link = k };
        if (!dryRun)
        {
            HostCommands.Run(BridgePlan.RemoveNamespace(current, k), tolerateFailure: true);
            HostCommands.Run(commands, tolerateFailure: false);
            if (earlier == null)
            {
                current.Joined.Add(join); // recorded before the vxlan device exists: a failed join is still taken back by `lab down`
            }

            current.Save();
        }

        return (join, current.JoinAddress(k), commands);
    }

    /// <summary>Records (or updates) a join on the lab's network, so `lab down` removes its device.</summary>
    public static void Record(string lab, string? netns, string device, string peer)
    {
        using IDisposable held = HostCommands.Lock();
        if (LabNetwork.Load(lab) is not { } network)
        {
            return;
        }

        LabNetworkJoin join = network.Joined.FirstOrDefault(j => j.Netns == netns) ?? new LabNetworkJoin { Netns = netns };
        join.Device = device;
        join.Peer = peer;
        if (!network.Joined.Contains(join))
        {
            network.Joined.Add(join);
        }

        network.Save();
    }

    /// <summary>
    /// Takes a namespace's link out of the bridge and forgets the join (`overlay leave`, or a join
    /// that failed); nothing when it never joined this lab, or joined with another device than
    /// <paramref name="device"/> (that one is still there).
    /// </summary>
    public static string? Forget(string lab, string? netns, string? device = null)
    {
        using IDisposable held = HostCommands.Lock();
        LabNetwork? network = LabNetwork.Load(lab);
        LabNetworkJoin? join = network?.Joined.FirstOrDefault(j => j.Netns == netns && (device == null || j.Device == device));
        if (network == null || join == null)
        {
            return null;
        }

        if (join.Link is int k)
        {
            HostCommands.Run(BridgePlan.RemoveNamespace(network, k), tolerateFailure: true);
        }

        network.Joined.Remove(join);
        network.Save();
        return join.Link is int l ? network.JoinPort(l) : null;
    }

    /// <summary>
    /// Stops what still runs in a board's namespace: a board whose lab.json was lost (a crash, a
    /// deleted EDGE_HOME) is this lab's all the same, by its namespace's name. Returns their pids.
    /// </summary>
    private static List<int> StopProcessesIn(string ns) =>
        HostCommands.Exec($"ip netns pids {ns}").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.TryParse(p, out int pid) ? pid : 0)
            .Where(pid => pid > 0 && LabProcesses.Stop(pid, TimeSpan.FromSeconds(5))).ToList();

    private static bool IsNumbered(string name, string prefix) => name.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(name.AsSpan(prefix.Length), out _);
}
