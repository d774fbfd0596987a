using System.Text;
using Edge.Dataplane.Net;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Tests.Simulation;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;
using Edge.Dataplane.Workloads.Tools;

namespace Edge.Dataplane.Tests.Workloads;

/// <summary>The tools `exec` runs in a pod, and the rest of the image catalog.</summary>
[Trait("Category", Category.Simulation)]
public sealed class ToolSimulationTests
{
    private sealed class Sink : IByteSink
    {
        public readonly MemoryStream Bytes = new();

        public void Write(byte[] buffer, int offset, int length) => Bytes.Write(buffer, offset, length);

        public override string ToString() => Encoding.ASCII.GetString(Bytes.ToArray());
    }

    private sealed record Run(int ExitCode, string Out, string Err);

    private static Run Exec(SimCluster cluster, PodSandbox pod, IWorkload[] servers, string command, string? input = null)
    {
        var stdout = new Sink();
        var stderr = new Sink();
        ITool? tool = ToolRunner.Start(pod, command.Split(' '), input == null ? null : Encoding.ASCII.GetBytes(input), new ToolOutput(stdout, stderr), out int exit);
        if (tool != null)
        {
            Assert.True(cluster.RunUntil(() =>
            {
                foreach (IWorkload w in servers)
                {
                    w.Poll(cluster.Clock.Milliseconds);
                }

                tool.Poll(cluster.Clock.Milliseconds);
                return tool.Done;
            }, 60_000), $"{command} did not finish");
            exit = tool.ExitCode;
        }

        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Ping_prints_replies_and_statistics_like_busybox()
    {
        var cluster = new SimCluster(2, seed: 71);
        PodSandbox toolbox = cluster.Node(1).AddPod("default", "toolbox", 0);
        cluster.Node(2).AddPod("default", "web", 0);

        Run run = Exec(cluster, toolbox, [], "ping -c 3 10.244.2.2");

        Assert.Equal(0, run.ExitCode);
        string[] lines = run.Out.Split('\n');
        Assert.Equal("PING 10.244.2.2 (10.244.2.2): 56 data bytes", lines[0]);
        Assert.Matches(@"^64 bytes from 10\.244\.2\.2: seq=0 ttl=62 time=\d+ ms$", lines[1]);
        Assert.Contains("--- 10.244.2.2 ping statistics ---", run.Out);
        Assert.Contains("3 packets transmitted, 3 packets received, 0% packet loss", run.Out);
    }

    [Fact]
    public void Ping_of_nobody_fails_with_exit_1_and_a_bad_name_is_a_bad_address()
    {
        var cluster = new SimCluster(1, seed: 72);
        PodSandbox toolbox = cluster.Node(1).AddPod("default", "toolbox", 0);

        Run lost = Exec(cluster, toolbox, [], "ping -c 2 -W 1 10.244.1.77");
        Assert.Equal(1, lost.ExitCode);
        Assert.Contains("2 packets transmitted, 0 packets received, 100% packet loss", lost.Out);

        Run named = Exec(cluster, toolbox, [], "ping web");
        Assert.Equal(1, named.ExitCode);
        Assert.Equal("ping: bad address 'web'\n", named.Err);
    }

    [Fact]
    public void Wget_and_curl_fetch_through_a_ClusterIP_and_report_refusals_as_the_real_tools_do()
    {
        var cluster = new SimCluster(2, seed: 73);
        PodSandbox toolbox = cluster.Node(1).AddPod("default", "toolbox", 0);
        PodSandbox web = cluster.Node(2).AddPod("default", "web", 0);
        IWorkload hello = WorkloadCatalog.Create("hello", web, "node-2")!;
        var service = new Service { Name = "web", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 50), Port = 80 };
        service.SetEndpoints([web.Address], [80], [EndpointFlags.Ready | EndpointFlags.Serving]);
        cluster.Node(1).Proxy.SetService(service);

        Run wget = Exec(cluster, toolbox, [hello], "wget -qO- http://10.96.0.50/");
        Assert.Equal(0, wget.ExitCode);
        Assert.Contains("<h1>Hello from Edge</h1>", wget.Out);
        Assert.Equal("", wget.Err);

        Run curl = Exec(cluster, toolbox, [hello], "curl -s 10.96.0.50");
        Assert.Equal(0, curl.ExitCode);
        Assert.Contains("Hello from Edge", curl.Out);

        Run refusedCurl = Exec(cluster, toolbox, [hello], "curl -s http://10.244.2.2:81/");
        Assert.Equal(7, refusedCurl.ExitCode);
        Assert.Equal("curl: (7) Failed to connect to 10.244.2.2: Connection refused\n", refusedCurl.Err);

        Run refusedWget = Exec(cluster, toolbox, [hello], "wget -qO- http://10.244.2.2:81/");
        Assert.Equal(1, refusedWget.ExitCode);
        Assert.Equal("wget: can't connect to remote host (10.244.2.2): Connection refused\n", refusedWget.Err);

        Run name = Exec(cluster, toolbox, [hello], "curl -s http://nosuch/");
        Assert.Equal(6, name.ExitCode);
        Assert.Equal("curl: (6) Could not resolve host: nosuch\n", name.Err);
    }

    [Fact]
    public void Nc_talks_to_echo_over_TCP_and_UDP_and_checks_ports_with_z()
    {
        var cluster = new SimCluster(2, seed: 74);
        PodSandbox toolbox = cluster.Node(1).AddPod("default", "toolbox", 0);
        PodSandbox server = cluster.Node(2).AddPod("default", "echo", 0);
        IWorkload echo = WorkloadCatalog.Create("echo", server, "node-2")!;

        Run tcp = Exec(cluster, toolbox, [echo], "nc -w 2 10.244.2.2 7", "hello over tcp\n");
        Assert.Equal((0, "hello over tcp\n"), (tcp.ExitCode, tcp.Out));

        Run udp = Exec(cluster, toolbox, [echo], "nc -u -w 1 10.244.2.2 7", "hello over udp\n");
        Assert.Equal((0, "hello over udp\n"), (udp.ExitCode, udp.Out));

        Assert.Equal(0, Exec(cluster, toolbox, [echo], "nc -z 10.244.2.2 7").ExitCode);
        Run closed = Exec(cluster, toolbox, [echo], "nc -z 10.244.2.2 8");
        Assert.Equal(1, closed.ExitCode);
        Assert.Contains("connection refused", closed.Err);
    }

    [Fact]
    public void An_unknown_tool_is_exit_127_with_the_list_of_tools()
    {
        var cluster = new SimCluster(1, seed: 75);
        PodSandbox toolbox = cluster.Node(1).AddPod("default", "toolbox", 0);

        Run run = Exec(cluster, toolbox, [], "bash -c true");

        Assert.Equal(127, run.ExitCode);
        Assert.Equal("exec: \"bash\": executable file not found in the pod; Edge pods have: ping, wget, curl, nc, nslookup, dig\n", run.Err);
    }

    [Fact]
    public void Counter_counts_per_replica()
    {
        var cluster = new SimCluster(1, seed: 76);
        PodSandbox toolbox = cluster.Node(1).AddPod("default", "toolbox", 0);
        PodSandbox replica = cluster.Node(1).AddPod("default", "counter-1", 0);
        IWorkload counter = WorkloadCatalog.Create("counter", replica, "node-1")!;

        Assert.Equal("1 (counter-1)\n", Exec(cluster, toolbox, [counter], "wget -qO- http://10.244.1.3/").Out);
        Assert.Equal("2 (counter-1)\n", Exec(cluster, toolbox, [counter], "wget -qO- http://10.244.1.3/").Out);
    }
}
