using System.Diagnostics;
using System.Text;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;

namespace Edge.Bench;

/// <summary>
/// Requests through a board's ingress against requests straight to the ClusterIP, in the same
/// run, on the dataplane's own code (two boards of the in-process simulation, its clock stepped;
/// the figure is the processor time the boards spend on a request). Both reach the same whoami
/// pod on the other board over VXLAN: through the ingress a client on the LAN connects to board
/// 1's port 80 (head read and routed, a connection from the node to the pod, the response
/// relayed); straight, a pod on board 1 connects to the ClusterIP (kube-proxy's DNAT). Also
/// what each request allocates on the managed heap (the client's side included: the LAN
/// client's connection in the first, the pod's socket in the second).
/// </summary>
public static class IngressThroughput
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET /web HTTP/1.1\r\nHost: lab.example\r\nUser-Agent: bench\r\n\r\n");
    private static readonly uint Laptop = Ipv4Address.FromOctets(192, 168, 50, 200);
    private static readonly uint ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 40);

    public static int Run(int requests)
    {
        // Conntrack keeps a closed connection for TIME-WAIT's 120 s, which the simulated clock never
        // reaches: room for every ClusterIP connection of the run (the ingress uses none).
        int flows = requests + requests / 10 + 64;
        var cluster = new TestCluster(2, 91, 0, c => c.ConntrackEntries = flows, true);
        PodSandbox web = cluster.Node(2).AddPod("default", "web", 0);
        cluster.Run("whoami", web, 2);
        PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
        for (int board = 1; board <= 2; board++)
        {
            var service = new Service { Namespace = "default", Name = "web", ClusterIp = ClusterIp, Port = 80, Protocol = IpProtocol.Tcp };
            service.SetEndpoints([web.Address], [80], [(byte)(EndpointFlags.Ready | EndpointFlags.Serving | (board == 2 ? EndpointFlags.Local : 0))]);
            cluster.Node(board).Proxy.SetService(service);
        }

        var routes = new IngressRoutes(1);
        routes.Add("", "/web", PathType.Prefix, "default", "web", 80);
        cluster.Node(1).ServeIngress(routes);
        cluster.Run(2);

        byte[] answer = new byte[4096];
        _cluster = cluster;
        int warm = Math.Max(requests / 10, 10);
        Measure(warm, () => ThroughIngress(cluster, answer));
        Measure(warm, () => ToClusterIp(cluster, client, answer));
        // Five rounds, the two kinds alternating, each figure the median of its rounds: the
        // runtime's warming and collections fall on both alike.
        var ingressRounds = new List<(double Ms, long Bytes, double SimulatedMs)>();
        var clusterIpRounds = new List<(double Ms, long Bytes, double SimulatedMs)>();
        const int Rounds = 5;
        for (int round = 0; round < Rounds; round++)
        {
            ingressRounds.Add(Measure(requests / Rounds, () => ThroughIngress(cluster, answer)));
            clusterIpRounds.Add(Measure(requests / Rounds, () => ToClusterIp(cluster, client, answer)));
        }

        requests = requests / Rounds * Rounds;
        (double ingressMs, long ingressBytes, double ingressSteps) = Median(ingressRounds, Rounds);
        (double clusterIpMs, long clusterIpBytes, double clusterIpSteps) = Median(clusterIpRounds, Rounds);

        Console.WriteLine($"ingress   {requests} requests through board 1's ingress to whoami on board 2: {requests / (ingressMs / 1000):N0} requests/s of the boards' processor time ({ingressMs * 1000 / requests:N0} µs each), {ingressBytes / requests:N0} bytes allocated a request, {ingressSteps:F1} ms of the boards' clock (1 ms a step)");
        Console.WriteLine($"ingress   {requests} requests from a pod on board 1 to the ClusterIP: {requests / (clusterIpMs / 1000):N0} requests/s ({clusterIpMs * 1000 / requests:N0} µs each), {clusterIpBytes / requests:N0} bytes allocated a request, {clusterIpSteps:F1} ms of the boards' clock");
        Console.WriteLine($"ingress   ratios: a request through the ingress costs {ingressMs / clusterIpMs:F2}x the processor time of one straight to the ClusterIP and takes {ingressSteps / clusterIpSteps:F2}x the simulated time; proxied {cluster.Node(1).Ingress.Proxied}, refused {cluster.Node(1).Ingress.NotFound + cluster.Node(1).Ingress.Unavailable + cluster.Node(1).Ingress.BadGateway + cluster.Node(1).Ingress.BadRequests}");
        return 0;
    }

    private static (double Ms, long Bytes, double SimulatedMs) Measure(int count, Func<bool> request)
    {
        GC.Collect();
        long simulated = _cluster.Clock.Now;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            if (!request())
            {
                IngressProxy ingress = _cluster.Node(1).Ingress;
                throw new InvalidOperationException($"request {i} got no whole answer; drops {_cluster.DropsText()}; ingress active {ingress.Active} proxied {ingress.Proxied} waited {ingress.WaitedForBuffer} unavailable {ingress.Unavailable} badgw {ingress.BadGateway}; handles {_cluster.Sockets[0].OpenHandles}");
            }
        }

        return (clock.Elapsed.TotalMilliseconds, GC.GetAllocatedBytesForCurrentThread() - before, (double)(_cluster.Clock.Now - simulated) / count);
    }

    private static TestCluster _cluster = null!;

    // The median round, scaled to the whole run.
    private static (double Ms, long Bytes, double SimulatedMs) Median(List<(double Ms, long Bytes, double SimulatedMs)> rounds, int count)
    {
        var byTime = rounds.OrderBy(r => r.Ms).ToList();
        var middle = byTime[byTime.Count / 2];
        return (middle.Ms * count, rounds.OrderBy(r => r.Bytes).ToList()[rounds.Count / 2].Bytes * count, middle.SimulatedMs);
    }

    private static bool ThroughIngress(TestCluster cluster, byte[] answer)
    {
        LabConnection c = cluster.Sockets[0].Dial(80, Laptop);
        if (c == null)
        {
            return false;
        }

        c.Send(Request, 0, Request.Length);
        int got = 0;
        bool done = cluster.RunUntil(() =>
        {
            got += c.Receive(answer, got, answer.Length - got);
            return c.EndOfStream;
        }, 5000);
        c.Close();
        cluster.Run(1);
        return done && got > 12 && answer[9] == '2';
    }

    private static bool ToClusterIp(TestCluster cluster, PodSandbox pod, byte[] answer)
    {
        TcpSocket s = pod.Connect(ClusterIp, 80);
        if (s == null || !cluster.RunUntil(() => s.IsConnected || s.IsClosed, 5000) || !s.IsConnected)
        {
            return false;
        }

        s.Send(Request, 0, Request.Length);
        int got = 0;
        bool done = cluster.RunUntil(() =>
        {
            got += s.Receive(answer, got, answer.Length - got);
            return s.EndOfStream || s.IsClosed;
        }, 5000);
        s.Close();
        cluster.Run(1);
        return done && got > 12 && answer[9] == '2';
    }
}
