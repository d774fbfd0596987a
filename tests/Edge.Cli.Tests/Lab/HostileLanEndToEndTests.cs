using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// A workshop LAN is full of curious laptops. With a two-board lab serving web (three whoami
/// pods, a NodePort), what they send with real sockets must not take a board down: datagrams of
/// every length and random ones at each of its UDP ports (DNS 53, VXLAN 4789), a burst of TCP
/// connections holding half a request at its NodePort, and garbage connections on its management
/// port. After each, in the same test, the board serves again: DNS answers, pods ping across
/// boards, the NodePort answers within 5 s of the burst's end, no socket is left half closed,
/// the board's process is idle again a second after the burst, and it kept its control plane.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class HostileLanEndToEndTests : IDisposable
{
    private const string Node1 = "127.0.10.181";
    private const string Node2 = "127.0.10.182";
    private readonly string _home = Directory.CreateTempSubdirectory("edge-hostile-").FullName;
    private readonly EdgectlProcess _edgectl;

    public HostileLanEndToEndTests()
    {
        _edgectl = new EdgectlProcess(_home, "hostile");
    }

    public void Dispose()
    {
        _edgectl.Run("lab", "down", "--purge");
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public void Garbage_from_the_LAN_at_every_port_of_a_board_leaves_it_serving()
    {
        CliRun up = _edgectl.Run("lab", "up", "--nodes", "2", "--first-address", Node1);
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        CliRun apply = _edgectl.Run("apply", "-f", "examples/web.yaml", "-f", "examples/client.yaml", "-f", "examples/nodeport.yaml");
        Assert.True(apply.ExitCode == 0, apply.Err);
        WaitFor(() => RunningPods().Count == 4, "the web pods and the client Running");
        WaitFor(() => Http(Node1, 30080).StartsWith("HTTP/1.1 200", StringComparison.Ordinal), "the NodePort answering");
        JsonNode client = RunningPods().Single(p => (string)p["metadata"]!["name"]! == "client");
        string clientNode = (string)client["spec"]!["nodeName"]!;
        string farPod = (string)RunningPods().First(p => (string?)p["spec"]!["nodeName"] != clientNode)["status"]!["podIP"]!;
        Assert.Equal(0, _edgectl.Run("exec", "client", "--", "ping", "-c", "1", farPod).ExitCode);
        int board1 = BoardPid("node-1");
        int board2 = BoardPid("node-2");

        // UDP of every length, then a burst of random datagrams, at DNS and VXLAN on both boards.
        var random = new Random(20);
        using (var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            udp.SendBufferSize = 1 << 20;
            foreach (string board in new[] { Node1, Node2 })
            {
                foreach (int port in new[] { 53, 4789 })
                {
                    var to = new IPEndPoint(IPAddress.Parse(board), port);
                    foreach (int length in new[] { 0, 1, 7, 12, 17, 1500, 9000, 65507 })
                    {
                        udp.SendTo(RandomBytes(random, length), to);
                    }

                    for (int i = 0; i < 2000; i++)
                    {
                        udp.SendTo(RandomBytes(random, random.Next(0, 1600)), to);
                    }
                }
            }
        }

        var burstEnd = Stopwatch.StartNew();
        AssertIdleASecondLater(burstEnd, board1, board2);
        Assert.Equal(["10.96.0.2"], ResolveA(Node1, "web.default.svc.cluster.local"));
        Assert.Equal(["10.96.0.2"], ResolveA(Node2, "web.default.svc.cluster.local"));
        Assert.Equal(0, _edgectl.Run("exec", "client", "--", "ping", "-c", "1", farPod).ExitCode);

        // 300 clients hold half a request at node-1's NodePort for 3 s, then close.
        var held = new List<Socket>();
        byte[] half = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: lab\r\n");
        try
        {
            for (int i = 0; i < 300; i++)
            {
                var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                held.Add(tcp);
                try
                {
                    tcp.Connect(Node1, 30080);
                    tcp.Send(half);
                }
                catch (SocketException)
                {
                    // shed by the board: what it cannot relay it refuses
                }
            }

            var holding = Stopwatch.StartNew();
            WaitFor(() => holding.Elapsed >= TimeSpan.FromSeconds(3), "3 s of holding", 10);
        }
        finally
        {
            foreach (Socket s in held)
            {
                s.Dispose();
            }
        }

        var nodePortBurstEnd = Stopwatch.StartNew();
        WaitFor(() => Http(Node1, 30080).StartsWith("HTTP/1.1 200", StringComparison.Ordinal), "node-1's NodePort answering after the burst", 5);
        WaitFor(() => HalfClosed(Node1, 30080) == 0, "node-1 closing its side of every connection the clients closed", 5);
        Assert.True(nodePortBurstEnd.Elapsed < TimeSpan.FromSeconds(5));

        // Garbage connections on the management port for 2 s: the board keeps its control plane.
        var garbageStart = Stopwatch.StartNew();
        while (garbageStart.Elapsed < TimeSpan.FromSeconds(2))
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Connect(Node1, 7900);
            tcp.Send(RandomBytes(random, 200));
            Thread.Sleep(20); // pacing: about 40 connections a second, not a wait for anything
        }

        string log1 = BoardLog("node-1");
        Assert.Matches(@"refused a connection on port 7900: a connection (closed before it proved|sent no proof of|came while another had its turn to prove) the cluster key", log1);
        Assert.Equal(1, log1.Split('\n').Count(l => l.StartsWith("control plane connected (proved cluster \"", StringComparison.Ordinal)));
        Assert.Matches(@"(?m)^node-1\s+Ready\s", _edgectl.Run("get", "nodes").Out);
        Assert.Equal(0, _edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web").ExitCode);

        // What node-1 counted, as it says when it stops: the clients it shed, the datagrams it could not use.
        Assert.Equal(0, _edgectl.Run("lab", "down").ExitCode);
        string stopped = BoardLog("node-1").Split('\n').Single(l => l.Contains(" node-1: stopped; drops: ", StringComparison.Ordinal)); // after its time
        Assert.Matches(@"socket-limit=[1-9]", stopped);
    }

    /// <summary>A second after the burst, each board's process uses less than a quarter of a core over the next second (a busy loop takes all of one).</summary>
    private static void AssertIdleASecondLater(Stopwatch burstEnd, params int[] pids)
    {
        WaitFor(() => burstEnd.Elapsed >= TimeSpan.FromSeconds(1), "a second after the burst", 5);
        long[] before = pids.Select(CpuTicks).ToArray();
        var window = Stopwatch.StartNew();
        WaitFor(() => window.Elapsed >= TimeSpan.FromSeconds(1), "a second of measuring", 5);
        double seconds = window.Elapsed.TotalSeconds;
        for (int i = 0; i < pids.Length; i++)
        {
            double share = (CpuTicks(pids[i]) - before[i]) / 100.0 / seconds; // USER_HZ is 100 on Linux
            Assert.True(share < 0.25, $"board process {pids[i]} used {share:P0} of a core a second after the burst: a busy loop");
        }
    }

    // utime + stime of a process, in clock ticks (proc(5)).
    private static long CpuTicks(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]); // fields 14 and 15, counted from the state (field 3)
    }

    /// <summary>The board's connections on the port that the client closed and the board did not (CLOSE-WAIT, state 08 in /proc/net/tcp).</summary>
    private static int HalfClosed(string address, int port)
    {
        byte[] a = IPAddress.Parse(address).GetAddressBytes();
        string local = $"{a[3]:X2}{a[2]:X2}{a[1]:X2}{a[0]:X2}:{port:X4}";
        return File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f[1] == local && f[3] == "08");
    }

    private static string Http(string address, int port)
    {
        try
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 2000, SendTimeout = 2000 };
            tcp.Connect(address, port);
            tcp.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n"));
            var answer = new MemoryStream();
            byte[] buffer = new byte[1024];
            int n;
            while ((n = tcp.Receive(buffer)) > 0)
            {
                answer.Write(buffer, 0, n);
            }

            return Encoding.ASCII.GetString(answer.ToArray());
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode.ToString();
        }
    }

    /// <summary>The A records a board's DNS gives for a name (a query of our own over UDP, RFC 1035 §4.1).</summary>
    private static List<string> ResolveA(string server, string name)
    {
        var query = new List<byte> { 0x4e, 0x21, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (string label in name.Split('.'))
        {
            query.Add((byte)label.Length);
            query.AddRange(Encoding.ASCII.GetBytes(label));
        }

        query.AddRange(new byte[] { 0, 0, 1, 0, 1 });
        using var udp = new UdpClient();
        udp.Client.ReceiveTimeout = 2000;
        udp.Send(query.ToArray(), query.Count, server, 53);
        IPEndPoint? from = null;
        byte[] answer = udp.Receive(ref from);
        Assert.Equal(0x4e21, (answer[0] << 8) | answer[1]);
        Assert.Equal(0, answer[3] & 0x0f); // RCODE NOERROR
        var addresses = new List<string>();
        int at = query.Count; // the question, echoed; then the answers, each with a compressed name
        for (int i = 0; i < ((answer[6] << 8) | answer[7]); i++)
        {
            at += 2; // a pointer to the question's name
            int type = (answer[at] << 8) | answer[at + 1];
            int length = (answer[at + 8] << 8) | answer[at + 9];
            if (type == 1 && length == 4)
            {
                addresses.Add(new IPAddress(answer.AsSpan(at + 10, 4)).ToString());
            }

            at += 10 + length;
        }

        return addresses;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private List<JsonNode> RunningPods()
    {
        CliRun run = _edgectl.Run("get", "pods", "-o", "json");
        Assert.True(run.ExitCode == 0, run.Err);
        return JsonNode.Parse(run.Out)!["items"]!.AsArray().Where(p => (string?)p!["status"]?["phase"] == "Running").Select(p => p!).ToList();
    }

    private string LabDirectory => Path.Combine(_home, "labs", "hostile");

    private int BoardPid(string node) => (int)JsonNode.Parse(File.ReadAllText(Path.Combine(LabDirectory, "lab.json")))!["boards"]!
        .AsArray().Single(b => (string?)b!["name"] == node)!["pid"]!;

    private string BoardLog(string node) => File.ReadAllText(Path.Combine(LabDirectory, node + ".log"));

    private static void WaitFor(Func<bool> condition, string what, int seconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), "timed out waiting for " + what);
            Thread.Sleep(50);
        }
    }
}
