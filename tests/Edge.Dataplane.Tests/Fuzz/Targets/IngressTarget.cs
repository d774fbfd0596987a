using System.Text;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;

namespace Edge.Fuzz;

/// <summary>
/// What a client on the LAN sends a board's ingress (port 80 of board 1's own address): read
/// into the connection slot's head, parsed (RFC 9112), routed (hosts, wildcards, Exact/Prefix,
/// a defaultBackend, an allowlist, a canary by header and weight), forwarded to whoami on board 2
/// with its fields rewritten, or answered by the board itself. Whatever comes back must be an
/// HTTP/1.1 response; once the client has closed, the board must let go of the connection, its
/// slot and the packet buffers it lent within the relay's idle timeout (no leak a scanner could
/// run a small board out of for good).
/// <code>
/// input := control(1) bytes*
/// control: bits 0-3 piece size (1 &lt;&lt; n bytes a millisecond), bit 4 the client closes
///          after sending, bit 5 a client outside the allowlist (192.168.50.7 inside, .200 not)
/// </code>
/// </summary>
public sealed class IngressTarget : FuzzTarget
{
    private const int Steps = 400;
    // What a board promises: once the client has closed, a connection goes within a few
    // seconds, whether the board answered it itself or relayed it to a pod. A pod that answered
    // early (a 431) and closed reads and discards the rest (HttpConnection's lingering close),
    // so nothing waits on a shut window for the relay's idle timeout.
    private const int LetGoSteps = 10_000;

    public override string Name => "ingress";

    public override string Covers => "IngressProxy: RequestHead, RouteMatcher, RouteAnnotations, PathPattern, RequestRewrite, ForwardedHead, IngressReplies, RelayPair, from a LAN client's bytes";

    public override void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        int control = input[0];
        int piece = 1 << Math.Min(control & 15, 11);
        bool close = (control & 16) != 0;
        uint client = (control & 32) != 0 ? Ipv4Address.FromOctets(192, 168, 50, 200) : Ipv4Address.FromOctets(192, 168, 50, 7);

        TestCluster cluster = Cluster();
        LabSockets board = cluster.Sockets[0];
        int handlesBefore = board.OpenHandles;
        LabConnection? c = board.Dial(80, client);
        if (c == null)
        {
            throw new FuzzFinding("the ingress port took no connection");
        }

        var received = new List<byte>();
        byte[] buffer = new byte[1460];
        int sent = 1;
        for (int i = 0; i < Steps && !c.EndOfStream; i++)
        {
            if (sent < input.Length)
            {
                sent += c.Send(input, sent, Math.Min(piece, input.Length - sent));
            }
            else if (close)
            {
                c.ShutdownSend();
            }

            int n;
            while ((n = c.Receive(buffer, 0, buffer.Length)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, n));
            }

            cluster.Step();
        }

        const string status = "HTTP/1.1 ";
        if (received.Count > 0 && (received.Count < status.Length || Encoding.ASCII.GetString(received.ToArray(), 0, status.Length) != status))
        {
            throw new FuzzFinding("the ingress answered without a status line: " + Encoding.ASCII.GetString(received.ToArray(), 0, Math.Min(received.Count, 40)));
        }

        c.Close();
        IngressProxy ingress = cluster.Node(1).Ingress!;
        if (!cluster.RunUntil(() => board.OpenHandles == handlesBefore && ingress.Active == 0 && cluster.NoBufferHeld(), LetGoSteps))
        {
            throw new FuzzFinding($"the board held on after the client closed: {board.OpenHandles - handlesBefore} handles, {ingress.Active} slots ({Phases(ingress)}), buffers back: {cluster.NoBufferHeld()}");
        }
    }

    // The slots' phases, for the finding's message (the board keeps them to itself).
    private static string Phases(IngressProxy ingress)
    {
        var slots = (Array)typeof(IngressProxy).GetField("_slots", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(ingress)!;
        return string.Join(" ", slots.Cast<object>().Select(s => "phase " + s.GetType().GetField("Phase")!.GetValue(s)));
    }

    // Two boards; whoami "web" on board 2, "hello" on board 1, services on both; board 1's
    // ingress routes hosts, paths, a default backend, an allowlist, a canary and a rewrite.
    private static TestCluster Cluster()
    {
        var cluster = new TestCluster(2, 97, 0, null, true);
        PodSandbox web = cluster.Node(2).AddPod("default", "web", 0);
        cluster.Run("whoami", web, 2);
        PodSandbox hello = cluster.Node(1).AddPod("default", "hello", 0);
        cluster.Run("hello", hello, 1);
        for (int board = 1; board <= 2; board++)
        {
            Push(cluster, board, "web", 40, web.Address);
            Push(cluster, board, "hello", 41, hello.Address);
        }

        var routes = new IngressRoutes(7);
        routes.Add("", "/web", PathType.Prefix, "default", "web", 80);
        routes.Add("lab.example", "/", PathType.Prefix, "default", "hello", 80);
        routes.Add("*.lab.example", "/api", PathType.Exact, "default", "web", 80);
        routes.Add("", "/private", PathType.Prefix, "default", "web", 80);
        routes.Add("", "/missing", PathType.Prefix, "default", "missing", 0);
        routes.Add("", "/something(/|$)(.*)", PathType.ImplementationSpecific, "default", "web", 80);
        routes.Add("", "", PathType.Default, "default", "hello", 80);
        routes.Annotations = new RouteAnnotations(routes.Count, 1);
        routes.Annotations.Allow(3, Ipv4Address.FromOctets(192, 168, 50, 0), 29);
        routes.Annotations.Canary(0, "default", "hello", 80, 30, "x-canary", null);
        routes.Annotations.Rewrites = new RouteRewrites(routes.Count);
        routes.Annotations.Rewrites.Programs[5] = Edge.Dataplane.NfTests.Sim.PatternAssembler.Something();
        routes.Annotations.Rewrites.Targets[5] = "/rewritten/$2?from=$1"; // a longer path, groups, a query of its own
        cluster.Node(1).ServeIngress(routes);
        cluster.Run(2);
        return cluster;
    }

    private static void Push(TestCluster cluster, int board, string name, byte last, uint endpoint)
    {
        var service = new Service { Namespace = "default", Name = name, ClusterIp = Ipv4Address.FromOctets(10, 96, 0, last), Port = 80, Protocol = IpProtocol.Tcp };
        service.SetEndpoints([endpoint], [80], [(byte)(EndpointFlags.Ready | EndpointFlags.Serving)]);
        cluster.Node(board).Proxy.SetService(service);
    }

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        yield return new("get-by-path", Request(0x0B, "GET /web/x?y=1 HTTP/1.1\r\nHost: lab\r\nUser-Agent: curl/8.14.1\r\nAccept: */*\r\n\r\n"));
        yield return new("get-by-host", Request(0x0B, "GET /anything HTTP/1.1\r\nHost: LAB.example:80\r\n\r\n"));
        yield return new("get-by-wildcard", Request(0x0B, "GET /api HTTP/1.1\r\nHost: a.lab.example\r\n\r\n"));
        yield return new("get-byte-by-byte", Request(0x00, "GET /web HTTP/1.1\r\nHost: lab\r\n\r\n"));
        yield return new("canary-always", Request(0x0B, "GET /web HTTP/1.1\r\nHost: lab\r\nX-Canary: always\r\n\r\n"));
        yield return new("allowlist-inside", Request(0x0B, "GET /private HTTP/1.1\r\nHost: lab\r\n\r\n"));
        yield return new("allowlist-outside", Request(0x2B, "GET /private HTTP/1.1\r\nHost: lab\r\n\r\n"));
        yield return new("default-backend", Request(0x0B, "GET /nowhere HTTP/1.1\r\nHost: other\r\n\r\n"));
        yield return new("missing-service", Request(0x0B, "GET /missing HTTP/1.1\r\nHost: lab\r\n\r\n"));
        yield return new("rewrite-target", Request(0x0B, "GET /something/deep/path?q=1 HTTP/1.1\r\nHost: lab\r\nContent-Length: 3\r\n\r\nabc"));
        yield return new("post-with-body-then-close", Request(0x1B, "POST /web HTTP/1.1\r\nHost: lab\r\nContent-Length: 5\r\n\r\nhello"));
        yield return new("upgrade", Request(0x0B, "GET /web HTTP/1.1\r\nHost: lab\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"));
        yield return new("http-1.0-no-host", Request(0x0B, "GET /web HTTP/1.0\r\n\r\n"));
        yield return new("two-hosts", Request(0x0B, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        yield return new("version-2", Request(0x0B, "GET / HTTP/2.0\r\nHost: a\r\n\r\n"));
        yield return new("head-too-large", Request(0x1B, "GET /web HTTP/1.1\r\nHost: lab\r\nCookie: " + new string('c', 1700) + "\r\n\r\n"));
        yield return new("head-never-ends-then-close", Request(0x1B, "GET /web HTTP/1.1\r\nHost: lab\r\n"));
        yield return new("absolute-form", Request(0x0B, "GET http://lab/web HTTP/1.1\r\nHost: lab\r\n\r\n"));
        yield return new("non-ascii", Request(0x0B, "GET /\u00e9 HTTP/1.1\r\nHost: \u00ff\r\n\r\n", latin1: true));
        yield return new("empty-then-close", [0x10]);
    }

    private static byte[] Request(byte control, string text, bool latin1 = false) =>
        [control, .. (latin1 ? Encoding.Latin1 : Encoding.ASCII).GetBytes(text)];
}
