using System.Text;
using Edge.VirtualBoard.Config;

namespace Edge.VirtualBoard.Tests;

/// <summary>
/// Two virtual boards in this process and a Linux network namespace that joins their
/// overlay with a kernel vxlan device, the flannel way:
/// <code>
///  this process (root namespace)                 namespace edge-ix-PID
///  board node-1 198.18.77.1:4789  ┐              eth0 198.18.77.2
///  board node-2 198.18.77.3:4789  ┴─ veth ─────── vx0 (VNI 1, dstport 4789) 10.250.0.0/32
///     pods 10.244.1.0/24, 10.244.2.0/24             routes 10.244.N.0/24 via 10.244.N.0 onlink,
///                                                   neighbour + fdb entries for each board's VTEP
/// </code>
/// 198.18.0.0/15 is the benchmarking range (RFC 2544), so it clashes with no real network.
/// Checksum offload is off on the Linux devices: otherwise the kernel leaves inner checksums
/// for hardware that a veth does not have, and our stack (rightly) drops the packets.
/// Everything is deleted on Dispose, and stale namespaces of earlier runs at start.
/// </summary>
public sealed class KernelOverlay : IDisposable
{
    /// <summary>The Linux host's overlay address, outside the cluster CIDR (10.244.0.0/16) as an overlay-joined laptop's is.</summary>
    public const string LinuxVtep = "10.250.0.0";
    public readonly string Namespace = $"edge-ix-{Environment.ProcessId}";
    public readonly string HostLink = $"edgeix{Environment.ProcessId % 100000}";
    public readonly LoopbackLab Lab = new();

    public KernelOverlay()
    {
        foreach (string stale in Tools.Run("ip", ["netns", "list"]).StdOut.Split('\n').Select(l => l.Split(' ')[0]).Where(n => n.StartsWith("edge-ix-")))
        {
            Tools.Run("ip", ["netns", "del", stale]);
        }

        try
        {
            Ip("netns", "add", Namespace);
            Ip("link", "add", HostLink, "type", "veth", "peer", "name", "eth0", "netns", Namespace);
            Ip("addr", "add", "198.18.77.1/24", "dev", HostLink);
            Ip("addr", "add", "198.18.77.3/24", "dev", HostLink);
            Ip("link", "set", HostLink, "up");
            InNs("ip", "link", "set", "lo", "up");
            InNs("ip", "addr", "add", "198.18.77.2/24", "dev", "eth0");
            InNs("ip", "link", "set", "eth0", "up");
            InNs("ip", "link", "add", "vx0", "type", "vxlan", "id", "1", "dstport", "4789", "local", "198.18.77.2", "nolearning");
            InNs("ip", "link", "set", "vx0", "address", "02:ed:0a:fa:00:00"); // the VTEP MAC Edge derives from 10.250.0.0
            InNs("ip", "addr", "add", LinuxVtep + "/32", "dev", "vx0");
            InNs("ip", "link", "set", "vx0", "up");
            foreach (string device in new[] { "vx0", "eth0" })
            {
                InNs("ethtool", "-K", device, "tx", "off", "rx", "off");
            }

            Tools.Run("ethtool", ["-K", HostLink, "tx", "off", "rx", "off"]);
            // Service IPs go to node-1, which proxies them (masquerading, since 10.250.0.0 is off-cluster).
            InNs("ip", "route", "add", "10.96.0.0/16", "via", "10.244.1.0", "dev", "vx0", "onlink");
            for (int board = 1; board <= 2; board++)
            {
                string vtep = $"10.244.{board}.0";
                string mac = $"02:ed:0a:f4:{board:x2}:00";
                InNs("ip", "route", "add", $"10.244.{board}.0/24", "via", vtep, "dev", "vx0", "onlink");
                InNs("ip", "neigh", "add", vtep, "lladdr", mac, "dev", "vx0", "nud", "permanent");
                InNs("bridge", "fdb", "append", mac, "dev", "vx0", "dst", board == 1 ? "198.18.77.1" : "198.18.77.3");
            }

            Lab.Add(Board(1, "198.18.77.1", new PodConfig { Name = "client", Image = "toolbox" }, new PodConfig { Name = "web-1", Image = "whoami", Ip = "10.244.1.5" }));
            Lab.Add(Board(2, "198.18.77.3", new PodConfig { Name = "web-2", Image = "whoami", Ip = "10.244.2.5" }));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public VirtualBoard Board1 => Lab.Boards[0];
    public VirtualBoard Board2 => Lab.Boards[1];

    /// <summary>Runs a program inside the Linux namespace while the boards keep running; returns when it exits.</summary>
    public RunningTool RunInNamespace(TimeSpan timeout, params string[] command)
    {
        RunningTool tool = Tools.Start("ip", ["netns", "exec", Namespace, .. command]);
        bool exited = Lab.RunUntil(() => tool.HasExited, timeout);
        if (!exited)
        {
            tool.Dispose();
            throw new TimeoutException($"{string.Join(' ', command)} did not finish in {timeout}");
        }

        tool.Process.WaitForExit();
        return tool;
    }

    public RunningTool StartInNamespace(params string[] command) => Tools.Start("ip", ["netns", "exec", Namespace, .. command]);

    public void Dispose()
    {
        Lab.Dispose();
        Tools.Run("ip", ["netns", "del", Namespace]); // takes the veth pair and the vxlan device with it
    }

    private static BoardConfig Board(int n, string address, params PodConfig[] pods) => new()
    {
        Name = $"node-{n}",
        Address = address,
        PodCidr = $"10.244.{n}.0/24",
        AllowEgress = n == 1,
        Peers =
        [
            new PeerConfig { Name = n == 1 ? "node-2" : "node-1", Address = n == 1 ? "198.18.77.3" : "198.18.77.1", PodCidr = $"10.244.{3 - n}.0/24" },
            new PeerConfig { Name = "linux", Address = "198.18.77.2", PodCidr = "10.250.0.0/24" },
        ],
        Pods = pods.ToList(),
    };

    private static void Ip(params string[] args) => Check("ip", args);

    private void InNs(params string[] command) => Check("ip", ["netns", "exec", Namespace, .. command]);

    private static void Check(string tool, string[] args)
    {
        var (exit, _, stderr) = Tools.Run(tool, args);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({exit}): {stderr.Trim()}");
        }
    }
}
