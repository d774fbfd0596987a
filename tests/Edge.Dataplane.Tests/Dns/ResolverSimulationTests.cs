using Edge.Dataplane.Worker;
using System.Text;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Net;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Tests.Simulation;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;
using Edge.Dataplane.Workloads.Tools;

namespace Edge.Dataplane.Tests.Dns;

/// <summary>A pod's resolv.conf semantics, and the tools that resolve names with them.</summary>
[Trait("Category", Category.Simulation)]
public sealed class ResolverSimulationTests
{
    private sealed class Sink : IByteSink
    {
        public readonly MemoryStream Bytes = new();

        public void Write(byte[] buffer, int offset, int length) => Bytes.Write(buffer, offset, length);

        public override string ToString() => Encoding.ASCII.GetString(Bytes.ToArray());
    }

    private static (SimCluster Cluster, PodSandbox Client, IWorkload Web) Cluster()
    {
        var cluster = new SimCluster(2, seed: 91);
        PodSandbox web = cluster.Node(2).AddPod("shop", "web", 0);
        IWorkload hello = WorkloadCatalog.Create("hello", web, "node-2")!;
        foreach (Node node in cluster.Nodes)
        {
            var service = new Service { Namespace = "shop", Name = "web", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 20), Port = 80 };
            service.SetEndpoints([web.Address], [80], [EndpointFlags.Ready | EndpointFlags.Serving]);
            node.Proxy.SetService(service);
            node.DnsZone.SetService(new DnsService { Namespace = "shop", Name = "web", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 20) });
        }

        return (cluster, cluster.Node(1).AddPod("shop", "client", 0), hello);
    }

    private static (int Exit, string Out, string Err) Exec(SimCluster cluster, PodSandbox pod, IWorkload server, string command)
    {
        var stdout = new Sink();
        var stderr = new Sink();
        ITool? tool = ToolRunner.Start(pod, command.Split(' '), null, new ToolOutput(stdout, stderr), out int exit);
        Assert.NotNull(tool);
        Assert.True(cluster.RunUntil(() =>
        {
            server.Poll(cluster.Clock.Milliseconds);
            tool!.Poll(cluster.Clock.Milliseconds);
            return tool.Done;
        }, 30_000));
        return (tool!.ExitCode, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Wget_reaches_a_service_by_its_short_name_through_the_search_list()
    {
        var (cluster, client, web) = Cluster();

        var run = Exec(cluster, client, web, "wget -qO- http://web/");

        Assert.Equal(0, run.Exit);
        Assert.Contains("Hello from Edge", run.Out);
    }

    [Fact]
    public void Nslookup_shows_every_search_name_that_failed_before_the_one_that_answered()
    {
        var (cluster, _, web) = Cluster();
        PodSandbox other = cluster.Node(1).AddPod("default", "other", 0);

        var run = Exec(cluster, other, web, "nslookup web.shop");

        Assert.Equal(0, run.Exit);
        Assert.Equal(
            "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n" +
            "** server can't find web.shop.default.svc.cluster.local: NXDOMAIN\n\n" +
            "Name:\tweb.shop.svc.cluster.local\nAddress: 10.96.0.20\n\n", run.Out);
    }

    [Fact]
    public void Nslookup_of_an_ExternalName_service_shows_its_canonical_name_and_ping_says_it_has_no_address()
    {
        var (cluster, client, web) = Cluster();
        foreach (Node node in cluster.Nodes)
        {
            node.DnsZone.SetService(new DnsService { Namespace = "shop", Name = "db", ExternalName = "db.example.com" });
        }

        var run = Exec(cluster, client, web, "nslookup db");

        Assert.Equal(0, run.Exit);
        Assert.Equal(
            "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n" +
            "db.shop.svc.cluster.local\tcanonical name = db.example.com\n\n", run.Out);

        var ping = Exec(cluster, client, web, "ping -c 1 db");
        Assert.Equal(1, ping.Exit);
        Assert.Equal("ping: bad address 'db'\n", ping.Err);
    }

    [Fact]
    public void Dig_does_not_search_unless_asked()
    {
        var (cluster, client, web) = Cluster();

        var plain = Exec(cluster, client, web, "dig web");
        Assert.Contains("status: REFUSED", plain.Out); // "web." is outside the zone and the node has no upstream

        var searched = Exec(cluster, client, web, "dig +search +short web");
        Assert.Equal("10.96.0.20\n", searched.Out);

        var srv = Exec(cluster, client, web, "dig web.shop.svc.cluster.local A");
        Assert.Contains("web.shop.svc.cluster.local.\t5\tIN\tA\t10.96.0.20", srv.Out);
    }

    [Fact]
    public void Ping_and_curl_resolve_names_and_say_so_when_they_cannot()
    {
        var (cluster, client, web) = Cluster();

        var curl = Exec(cluster, client, web, "curl -s http://nope/");
        Assert.Equal((6, "curl: (6) Could not resolve host: nope\n"), (curl.Exit, curl.Err));

        var ping = Exec(cluster, client, web, "ping -c 1 web");
        Assert.Contains("PING 10.96.0.20", ping.Out); // resolved; a ClusterIP does not answer ping (no such rule), as on Linux
    }
}

/// <summary>resolv.conf's search list and ndots, on their own.</summary>
[Trait("Category", Category.Unit)]
public sealed class ResolverSearchTests
{
    [Theory]
    [InlineData("web", "web.default.svc.cluster.local|web.svc.cluster.local|web.cluster.local|web")]
    [InlineData("web.shop", "web.shop.default.svc.cluster.local|web.shop.svc.cluster.local|web.shop.cluster.local|web.shop")]
    [InlineData("a.b.c.d.e.f", "a.b.c.d.e.f|a.b.c.d.e.f.default.svc.cluster.local|a.b.c.d.e.f.svc.cluster.local|a.b.c.d.e.f.cluster.local")]
    [InlineData("web.default.svc.cluster.local.", "web.default.svc.cluster.local")]
    public void The_search_list_and_ndots_5_order_the_names_tried(string name, string expected) =>
        Assert.Equal(expected, string.Join("|", DnsResolver.Candidates(name, "default", "cluster.local", search: true)));
}
