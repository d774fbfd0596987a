using Edge.Host.Tests.Trust;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Edge.Dataplane.Agent;
using Edge.Dataplane.Wire;
using Edge.Host.Cluster;
using Edge.Host.Manifests;
using Edge.Host.Objects;
using Edge.Host.Sessions;
using Edge.Host.Store;
using Edge.VirtualBoard;

namespace Edge.Bench;

/// <summary>
/// The lab's reaction times with the workshop defaults, over real sockets: a control plane and
/// three virtual boards in this process. (1) `apply` of a 3-replica deployment and its service
/// until all three pods are Running, against one board heartbeat period measured in the same run
/// (the control plane cannot know sooner). (2) A board lost until every other board's service
/// table has dropped its endpoint, against the node-lifecycle grace period (the soonest the
/// control plane may decide a silent board is gone). (3) A board lost until its replicas run
/// elsewhere, against the grace period plus the eviction delay.
/// </summary>
public static class LabTimings
{
    private static string Address(int n) => $"127.0.10.{130 + n}";

    public static int Run(int rounds)
    {
        var apply = new List<double>();
        var endpoints = new List<double>();
        var reschedule = new List<double>();
        var heartbeat = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            (double a, double e, double r, double h) = Round();
            apply.Add(a);
            endpoints.Add(e);
            reschedule.Add(r);
            heartbeat.Add(h);
            Console.WriteLine($"round {round + 1}: apply→3 Running {a:0.00} s, loss→endpoints gone on other boards {e:0.00} s, loss→3 Running again {r:0.00} s (heartbeat period {h:0.000} s)");
        }

        var settings = new ControlPlaneOptions().Lifecycle;
        double hb = Median(heartbeat);
        Console.WriteLine();
        Console.WriteLine($"apply → 3 replicas Running:               median {Median(apply):0.00} s = {Median(apply) / hb:0.00} heartbeat periods ({hb:0.000} s, measured)");
        Console.WriteLine($"board loss → endpoints updated elsewhere: median {Median(endpoints):0.00} s = {Median(endpoints) / settings.NotReadyAfter.TotalSeconds:0.00} × the NotReady grace ({settings.NotReadyAfter.TotalSeconds:0} s)");
        Console.WriteLine($"board loss → replicas Running elsewhere:  median {Median(reschedule):0.00} s = {Median(reschedule) / (settings.NotReadyAfter + settings.EvictAfter).TotalSeconds:0.00} × grace + eviction delay ({(settings.NotReadyAfter + settings.EvictAfter).TotalSeconds:0} s)");
        return 0;
    }

    private static (double Apply, double Endpoints, double Reschedule, double Heartbeat) Round()
    {
        string dir = Directory.CreateTempSubdirectory("edge-lab-bench-").FullName;
        var boards = new Dictionary<int, (AgentBoard Board, CancellationTokenSource Stop, Thread Loop)>();
        for (int n = 1; n <= 3; n++)
        {
            Ipv4Address.TryParse(Address(n), out uint ip);
            var board = new AgentBoard($"node-{n}", ip, storage: TestCluster.Provisioned());
            var stop = new CancellationTokenSource();
            var loop = new Thread(() => board.Run(stop.Token)) { IsBackground = true };
            loop.Start();
            boards[n] = (board, stop, loop);
        }

        using var store = ObjectStore.Open(Path.Combine(dir, "lab.db"));
        var controlPlane = new ControlPlane(store, new ControlPlaneOptions { ClusterKey = TestCluster.Key });
        try
        {
            controlPlane.Start(Enumerable.Range(1, 3).Select(n => BoardLink.Parse($"tcp://{Address(n)}:{AgentBoard.DefaultMgmtPort}")));
            WaitFor(() => store.List("Node").Items.Count == 3 && controlPlane.Boards.All(b => b.Connected), 30);

            BoardClient session = controlPlane.SessionFor("node-1")!;
            var beats = new List<DateTimeOffset>();
            session.Heartbeat += h => { lock (beats) { beats.Add(h.At); } };
            WaitFor(() => { lock (beats) { return beats.Count >= 4; } }, 10);
            double period;
            lock (beats)
            {
                period = (beats[^1] - beats[0]).TotalSeconds / (beats.Count - 1);
            }

            var clock = Stopwatch.StartNew();
            var documents = new List<ManifestDocument>();
            ManifestReader.Parse("web.yaml", File.ReadAllText(Path.Combine(Repo.Root(), "examples", "web.yaml")), documents, []);
            documents.ForEach(d => store.Apply(d.Object));
            WaitFor(() => Running(store).Count == 3, 30);
            double apply = clock.Elapsed.TotalSeconds;

            string lost = (string)Running(store).First(p => (string?)p.Spec!["nodeName"] == "node-3").Json["status"]!["podIP"]!;
            WaitFor(() => new[] { 1, 2 }.All(n => Table(controlPlane, n).Contains(lost + ":80")), 10);
            clock.Restart();
            (AgentBoard gone, CancellationTokenSource stopGone, Thread loopGone) = boards[3];
            stopGone.Cancel();
            loopGone.Join();
            gone.Dispose();
            boards.Remove(3);
            WaitFor(() => new[] { 1, 2 }.All(n => !Table(controlPlane, n).Contains(lost + ":80")), 60);
            double endpoints = clock.Elapsed.TotalSeconds;
            WaitFor(() => Running(store).Count == 3 && Running(store).All(p => (string?)p.Spec!["nodeName"] != "node-3"), 60);
            double reschedule = clock.Elapsed.TotalSeconds;
            return (apply, endpoints, reschedule, period);
        }
        finally
        {
            controlPlane.DisposeAsync().AsTask().GetAwaiter().GetResult();
            foreach ((AgentBoard board, CancellationTokenSource stop, Thread loop) in boards.Values)
            {
                stop.Cancel();
                loop.Join();
                board.Dispose();
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>What a board's kube-proxy would send traffic to now: its ipvsadm view (real servers as ip:port), asked over its session.</summary>
    private static string Table(ControlPlane controlPlane, int n) =>
        controlPlane.SessionFor($"node-{n}")?.ViewAsync(BoardSession.ViewIpvs, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult() ?? "";

    private static List<KubeObject> Running(ObjectStore store) => store.List("Pod", "default").Items
        .Where(p => p.Name.StartsWith("web-", StringComparison.Ordinal) && (string?)p.Json["status"]?["phase"] == "Running"
            && (p.Json["status"]?["conditions"] as JsonArray)?.Any(c => (string?)c?["type"] == "Ready" && (string?)c["status"] == "True") == true).ToList();

    private static void WaitFor(Func<bool> condition, int seconds)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                throw new TimeoutException($"the lab did not get there in {seconds} s");
            }

            Thread.Sleep(20);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

}
