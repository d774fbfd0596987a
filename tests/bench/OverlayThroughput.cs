using System.Diagnostics;
using Edge.Dataplane.Net;
using Edge.VirtualBoard.Config;
using Board = Edge.VirtualBoard.VirtualBoard;

namespace Edge.Bench;

/// <summary>
/// Pod-to-pod UDP across two nodes, measured in one run two ways:
/// <list type="number">
/// <item>Edge: two virtual boards in this process on 127.0.10.101/102, real VXLAN over
///   loopback UDP; a pod on board 1 sends 64-byte datagrams to a pod on board 2. One thread
///   runs both boards, the sender and the receiver (a board has one core for all of it).
///   Also: bytes allocated per packet once warm (must be 0 for the dataplane).</item>
/// <item>Linux: the same traffic between two pod namespaces, each on a bridge with a kernel
///   vxlan device in its node namespace, linked by veth (needs root and iproute2).</item>
/// </list>
/// Prints packets/s for both and the ratio. Run: dotnet run -c Release --project tests/bench -- overlay
/// </summary>
public static class OverlayThroughput
{
    private const int Payload = 64;
    private const double Seconds = 5;

    public static int Run(string[] args)
    {
        (double edgePps, double allocatedPerPacket) = MeasureEdge();
        Console.WriteLine($"edge   pod->pod over VXLAN (virtual boards): {edgePps,12:N0} packets/s, {allocatedPerPacket:F3} bytes allocated per packet");
        double? kernelPps = MeasureKernel();
        if (kernelPps is double k)
        {
            Console.WriteLine($"linux  pod->pod over VXLAN (kernel bridge):  {k,12:N0} packets/s");
            Console.WriteLine($"ratio  edge / linux = {edgePps / k:F3}");
        }
        else
        {
            Console.WriteLine("linux  not measured: needs root and iproute2 (ip netns)");
        }

        return 0;
    }

    private static (double PacketsPerSecond, double AllocatedPerPacket) MeasureEdge()
    {
        BoardConfig Config(int n) => new()
        {
            Name = $"bench-{n}",
            Address = $"127.0.10.{100 + n}",
            PodCidr = $"10.244.{n}.0/24",
            Capacity = new() { ["packetBuffers"] = 256, ["bridgeQueue"] = 256, ["pollBudget"] = 256, ["udpReceiveBuffer"] = 65536 },
            Peers = [new PeerConfig { Address = $"127.0.10.{103 - n}", PodCidr = $"10.244.{3 - n}.0/24" }],
            Pods = [new PodConfig { Name = n == 1 ? "sender" : "receiver", Image = "toolbox" }],
        };

        using var one = new Board(Config(1), "bench-1");
        using var two = new Board(Config(2), "bench-2");
        PodSandbox sender = one.Pod("sender").Sandbox;
        PodSandbox receiver = two.Pod("receiver").Sandbox;
        UdpSocket tx = sender.OpenUdp(5000)!;
        UdpSocket rx = receiver.OpenUdp(5001)!;
        byte[] data = new byte[Payload];
        byte[] buffer = new byte[2048];

        long sent = 0, received = 0;
        void Pump(double seconds)
        {
            var watch = Stopwatch.StartNew();
            int idle = 0;
            while (watch.Elapsed.TotalSeconds < seconds)
            {
                long before = received;
                // Keep a bounded number in flight, as a real sender paced by its peer would.
                for (int i = 0; i < 32 && sent - received < 128; i++)
                {
                    tx.SendTo(receiver.Address, 5001, data, 0, data.Length);
                    sent++;
                }

                one.PollOnce();
                two.PollOnce();
                while (rx.ReceiveFrom(buffer, 0, buffer.Length, out _, out _) >= 0)
                {
                    received++;
                }

                // A datagram lost on the way would hold the window shut: after a long stall, forget it.
                idle = received == before ? idle + 1 : 0;
                if (idle > 10_000)
                {
                    sent = received;
                    idle = 0;
                }
            }
        }

        Pump(1); // warm up: ARP, JIT, buffers
        long before = GC.GetAllocatedBytesForCurrentThread();
        long startReceived = received;
        var timer = Stopwatch.StartNew();
        Pump(Seconds);
        double elapsed = timer.Elapsed.TotalSeconds;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long packets = received - startReceived;
        return (packets / elapsed, packets == 0 ? double.NaN : (double)allocated / packets);
    }

    private static double? MeasureKernel()
    {
        if (!Environment.IsPrivilegedProcess || !File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"))
        {
            return null;
        }

        string id = (Environment.ProcessId % 10000).ToString();
        string[] spaces = [$"eb-n1-{id}", $"eb-n2-{id}", $"eb-p1-{id}", $"eb-p2-{id}"];
        try
        {
            foreach (string ns in spaces)
            {
                Ip("netns", "add", ns);
                Ip("-n", ns, "link", "set", "lo", "up");
            }

            // Underlay: node 1 and node 2 on one veth "wire".
            Ip("-n", spaces[0], "link", "add", "wire", "type", "veth", "peer", "name", "wire", "netns", spaces[1]);
            for (int n = 0; n < 2; n++)
            {
                string node = spaces[n], pod = spaces[n + 2];
                Ip("-n", node, "addr", "add", $"198.19.0.{n + 1}/24", "dev", "wire");
                Ip("-n", node, "link", "set", "wire", "up");
                Ip("-n", node, "link", "add", "br0", "type", "bridge");
                Ip("-n", node, "link", "set", "br0", "up");
                Ip("-n", node, "link", "add", "vx0", "type", "vxlan", "id", "42", "dstport", "4789", "remote", $"198.19.0.{2 - n}", "local", $"198.19.0.{n + 1}", "dev", "wire");
                Ip("-n", node, "link", "set", "vx0", "master", "br0");
                Ip("-n", node, "link", "set", "vx0", "up");
                Ip("-n", node, "link", "add", "veth-pod", "type", "veth", "peer", "name", "eth0", "netns", pod);
                Ip("-n", node, "link", "set", "veth-pod", "master", "br0");
                Ip("-n", node, "link", "set", "veth-pod", "up");
                Ip("-n", pod, "addr", "add", $"10.98.0.{n + 1}/24", "dev", "eth0");
                Ip("-n", pod, "link", "set", "eth0", "mtu", "1450");
                Ip("-n", pod, "link", "set", "eth0", "up");
            }

            string self = Environment.ProcessPath!;
            string dll = typeof(Program).Assembly.Location;
            string[] runner = self.EndsWith("dotnet") ? [self, dll] : [self];
            using Process sink = Start(["netns", "exec", spaces[3], .. runner, "udp-sink", "10.98.0.2", "5001", Seconds.ToString()]);
            // The sink says when its socket is bound; blasting before would count datagrams sent into nothing.
            string? bound = sink.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            if (bound != UdpTraffic.Bound)
            {
                throw new InvalidOperationException($"the UDP sink did not start: {bound ?? sink.StandardError.ReadToEnd()}");
            }

            using Process blast = Start(["netns", "exec", spaces[2], .. runner, "udp-blast", "10.98.0.2", "5001", Payload.ToString(), (Seconds + 2).ToString()]);
            string result = sink.StandardOutput.ReadToEnd().Trim();
            blast.WaitForExit();
            string[] parts = result.Split(' ');
            return double.Parse(parts[0]) / double.Parse(parts[1]);
        }
        finally
        {
            foreach (string ns in spaces)
            {
                Start(["netns", "del", ns]).WaitForExit();
            }
        }
    }

    private static void Ip(params string[] args)
    {
        using Process p = Start(args);
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)}: {p.StandardError.ReadToEnd()}");
        }
    }

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }
}
