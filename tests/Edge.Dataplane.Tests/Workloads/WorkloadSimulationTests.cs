using System.Text;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Tests.Simulation;
using Edge.Dataplane.Workloads;

namespace Edge.Dataplane.Tests.Workloads;

/// <summary>The built-in images, served across boards of a simulated cluster.</summary>
[Trait("Category", Category.Simulation)]
public sealed class WorkloadSimulationTests
{
    private sealed class Sink : IByteSink
    {
        public readonly MemoryStream Bytes = new();

        public void Write(byte[] buffer, int offset, int length) => Bytes.Write(buffer, offset, length);

        public override string ToString() => Encoding.ASCII.GetString(Bytes.ToArray());
    }

    private static void RunWith(SimCluster cluster, IWorkload workload, Func<bool> done, int maxMs = 10_000)
    {
        Assert.True(cluster.RunUntil(() =>
        {
            workload.Poll(cluster.Clock.Milliseconds);
            return done();
        }, maxMs), "did not finish in time");
    }

    [Fact]
    public void Whoami_tells_which_pod_on_which_node_answered_and_what_it_was_asked()
    {
        var cluster = new SimCluster(2, seed: 31);
        PodSandbox web = cluster.Node(2).AddPod("shop", "web-7d4b9c-x2x9z", 0);
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        var whoami = (WhoamiServer)WorkloadCatalog.Create("traefik/whoami:v1.10", web, "node-2")!;
        Assert.True(whoami.Listening);
        var body = new Sink();

        var get = new HttpGet(client, web.Address, 80, "web", "/hello", body);
        RunWith(cluster, whoami, () => { get.Poll(cluster.Clock.Milliseconds); return get.Done; });

        Assert.Equal(HttpGet.Finished, get.State);
        Assert.Equal("HTTP/1.1 200 OK", get.StatusLine);
        string text = body.ToString();
        Assert.Contains("Hostname: web-7d4b9c-x2x9z\n", text);
        Assert.Contains("Namespace: shop\n", text);
        Assert.Contains("Node: node-2\n", text);
        Assert.Contains("IP: 10.244.2.2\n", text);
        Assert.Contains("RemoteAddr: 10.244.1.2:", text); // pod to pod: the client's own address, no NAT
        Assert.Contains("GET /hello HTTP/1.1\nHost: web\n", text);
        Assert.Equal(1, whoami.Requests);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void Echo_returns_every_byte_over_TCP_and_UDP()
    {
        var cluster = new SimCluster(2, seed: 32);
        PodSandbox server = cluster.Node(2).AddPod("default", "echo", 0);
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        IWorkload echo = WorkloadCatalog.Create("echo", server, "node-2")!;
        byte[] data = new byte[50_000];
        new Random(5).NextBytes(data);

        TcpSocket tcp = client.Connect(server.Address, EchoServer.Port)!;
        int sent = 0;
        var back = new MemoryStream();
        byte[] chunk = new byte[2048];
        RunWith(cluster, echo, () =>
        {
            if (tcp.IsConnected && sent < data.Length)
            {
                sent += tcp.Send(data, sent, data.Length - sent);
            }

            int n;
            while ((n = tcp.Receive(chunk, 0, chunk.Length)) > 0)
            {
                back.Write(chunk, 0, n);
            }

            return back.Length == data.Length;
        }, 60_000);
        Assert.Equal(data, back.ToArray());

        UdpSocket udp = client.OpenUdp(0)!;
        udp.SendTo(server.Address, EchoServer.Port, [1, 2, 3, 4], 0, 4);
        RunWith(cluster, echo, () => udp.HasData);
        Assert.Equal(4, udp.ReceiveFrom(chunk, 0, chunk.Length, out uint from, out ushort port));
        Assert.Equal((server.Address, EchoServer.Port), (from, port));
    }

    [Fact]
    public void An_unknown_image_is_refused_with_the_list_of_images()
    {
        var cluster = new SimCluster(1, seed: 33);
        PodSandbox pod = cluster.Node(1).AddPod("default", "p", 0);

        Assert.Null(WorkloadCatalog.Create("nginx:1.27", pod, "node-1"));
        Assert.Equal("image \"nginx:1.27\" is not built into Edge; use one of: whoami, hello, echo, counter, toolbox",
            WorkloadCatalog.UnknownImageMessage("nginx:1.27"));
    }

    [Fact]
    public void An_oversized_request_head_gets_431_not_a_crash()
    {
        var cluster = new SimCluster(1, seed: 34);
        PodSandbox web = cluster.Node(1).AddPod("default", "web", 0);
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        IWorkload whoami = WorkloadCatalog.Create("whoami", web, "node-1")!;
        TcpSocket s = client.Connect(web.Address, 80)!;
        byte[] junk = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nX: " + new string('a', 3000));
        int sent = 0;
        var back = new MemoryStream();
        byte[] chunk = new byte[1024];

        RunWith(cluster, whoami, () =>
        {
            if (s.IsConnected && sent < junk.Length)
            {
                sent += s.Send(junk, sent, junk.Length - sent);
            }

            int n;
            while ((n = s.Receive(chunk, 0, chunk.Length)) > 0)
            {
                back.Write(chunk, 0, n);
            }

            return s.EndOfStream;
        });

        Assert.StartsWith("HTTP/1.1 431 ", Encoding.ASCII.GetString(back.ToArray()));
    }
}
