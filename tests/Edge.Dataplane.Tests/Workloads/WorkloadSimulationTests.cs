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

    /// <summary>A whoami pod and a client pod on one node, the client connecting to whoami's port 80.</summary>
    private static (SimCluster Cluster, IWorkload Whoami, TcpSocket Client) ClientOfWhoami(ulong seed)
    {
        var cluster = new SimCluster(1, seed);
        PodSandbox web = cluster.Node(1).AddPod("default", "web", 0);
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        IWorkload whoami = WorkloadCatalog.Create("whoami", web, "node-1")!;
        return (cluster, whoami, client.Connect(web.Address, 80)!);
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
        Assert.Equal("image \"nginx:1.27\" is not built into Edge; use one of: whoami, hello, echo, counter, toolbox, stress",
            WorkloadCatalog.UnknownImageMessage("nginx:1.27"));
    }

    [Fact]
    public void An_oversized_request_head_gets_431_not_a_crash()
    {
        (SimCluster cluster, IWorkload whoami, TcpSocket s) = ClientOfWhoami(seed: 34);
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
    [Fact]
    public void After_answering_a_server_reads_and_discards_what_the_client_still_sends_so_the_client_is_never_stuck_on_a_shut_window()
    {
        (SimCluster cluster, IWorkload whoami, TcpSocket s) = ClientOfWhoami(seed: 35);
        // A head too big (431 at once), then twenty times the server's receive buffer more: the
        // server has answered and closed, and must still take every byte for the client to finish.
        byte[] junk = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nX: " + new string('a', 3000) + new string('b', 20 * s.ReceiveCapacity));
        int sent = 0;
        var back = new MemoryStream();
        byte[] chunk = new byte[1024];
        RunWith(cluster, whoami, () =>
        {
            if (s.IsConnected && sent < junk.Length)
            {
                sent += s.Send(junk, sent, junk.Length - sent);
                if (sent == junk.Length)
                {
                    s.Close(); // all sent: the client's FIN
                }
            }

            int n;
            while ((n = s.Receive(chunk, 0, chunk.Length)) > 0)
            {
                back.Write(chunk, 0, n);
            }

            return s.EndOfStream && s.SendPending == 0;
        });

        Assert.Equal(junk.Length, sent);
        Assert.StartsWith("HTTP/1.1 431 ", Encoding.ASCII.GetString(back.ToArray()));
        Assert.Equal(TcpError.None, s.Error); // a clean close both ways, no reset
    }

    [Fact]
    public void A_client_that_never_stops_sending_is_reset_once_the_server_has_lingered()
    {
        (SimCluster cluster, IWorkload whoami, TcpSocket s) = ClientOfWhoami(seed: 36);
        byte[] request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: web\r\n\r\n");
        byte[] more = new byte[512];
        int sent = 0;
        var back = new MemoryStream();
        byte[] chunk = new byte[1024];
        long answeredAt = -1;
        RunWith(cluster, whoami, () =>
        {
            sent += sent < request.Length ? s.Send(request, sent, request.Length - sent) : s.Send(more, 0, more.Length); // a body nobody asked for, for ever
            int n;
            while ((n = s.Receive(chunk, 0, chunk.Length)) > 0)
            {
                back.Write(chunk, 0, n);
            }

            if (answeredAt < 0 && s.PeerFinished)
            {
                answeredAt = cluster.Clock.Milliseconds;
            }

            return s.IsClosed;
        });

        Assert.Contains("Hostname: web", Encoding.ASCII.GetString(back.ToArray())); // the whole answer came first
        Assert.Equal(TcpError.Reset, s.Error);
        Assert.InRange(cluster.Clock.Milliseconds - answeredAt, HttpConnection.LingerMs - 50, HttpConnection.LingerMs + 500);
    }
}
