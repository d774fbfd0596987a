using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Cluster;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Bench;

/// <summary>
/// The API as kubectl uses it (issue 16's figures), against a control plane with no boards: (1)
/// `kubectl get pods -A` over 1,000 pods (server-side printing as a Table) beside `edgectl get pods
/// -A` (its own columns from the JSON list), each a fresh process as a user runs it, median of the
/// runs; (2) watch fan-out: how long a new pod takes to reach 20 watchers at once, beside one
/// watcher measured in the same run.
/// </summary>
public static class ApiBench
{
    public static int Run(int runs)
    {
        string root = Repo.Root();
        string? kubectl = Which("kubectl");
        if (kubectl == null)
        {
            Console.Error.WriteLine("error: kubectl is not installed: https://kubernetes.io/docs/tasks/tools/");
            return 1;
        }

        Console.WriteLine("building edgectl: dotnet build host-tools/Edge.Cli -c Release");
        if (Exec("dotnet", ["build", "host-tools/Edge.Cli", "-c", "Release", "-v", "q"], root, null).Code != 0)
        {
            Console.Error.WriteLine("error: the build failed");
            return 1;
        }

        string edgectl = Path.Combine(root, "host-tools", "Edge.Cli", "bin", "Release", "net10.0", "edgectl.dll");
        string dir = Directory.CreateTempSubdirectory("edge-api-bench-").FullName;
        try
        {
            return RunAsync(kubectl, edgectl, dir, runs).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<int> RunAsync(string kubectl, string edgectl, string dir, int runs)
    {
        using ObjectStore store = ObjectStore.Open(Path.Combine(dir, "bench.db"));
        await using var controlPlane = new ControlPlane(store);
        await using ApiServer api = await ApiServer.StartAsync(controlPlane, IPAddress.Loopback, 0, token: null);
        string server = api.Address.ToString().TrimEnd('/');
        foreach (string ns in Enumerable.Range(0, 10).Select(t => $"team-{t}").Append("fanout"))
        {
            store.Create(new KubeObject(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } }));
        }

        for (int i = 0; i < 1000; i++)
        {
            store.Create(Pod($"web-{i:D4}", $"team-{i % 10}", i));
        }

        // (1) get pods -A: a fresh process each time, as typed.
        var env = new Dictionary<string, string> { ["EDGE_HOME"] = dir, ["KUBECONFIG"] = Path.Combine(dir, "kubeconfig") };
        List<double> kubectlMs = [], edgectlMs = [];
        for (int run = 0; run < runs; run++)
        {
            (int kCode, string kOut, double kTime) = Exec(kubectl, ["--server", server, "get", "pods", "-A"], dir, env);
            (int eCode, string eOut, double eTime) = Exec("dotnet", [edgectl, "--server", server, "get", "pods", "-A"], dir, env);
            int kRows = kOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
            int eRows = eOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
            if (kCode != 0 || eCode != 0 || kRows != 1000 || eRows != 1000)
            {
                Console.Error.WriteLine($"error: kubectl exit {kCode} with {kRows} rows, edgectl exit {eCode} with {eRows} rows; both should list 1,000 pods");
                return 1;
            }

            kubectlMs.Add(kTime);
            edgectlMs.Add(eTime);
        }

        double kubectlMedian = Median(kubectlMs), edgectlMedian = Median(edgectlMs);
        Console.WriteLine($"get pods -A, 1,000 pods, {runs} runs each (median, whole process):");
        Console.WriteLine($"  kubectl {kubectlMedian,7:0} ms   (server-side printing: the API's Table)");
        Console.WriteLine($"  edgectl {edgectlMedian,7:0} ms   (the JSON list, its own columns)");
        Console.WriteLine($"  ratio   {kubectlMedian / edgectlMedian,7:0.00}  (kubectl / edgectl)");

        // (2) watch fan-out: 1 watcher, then 20.
        foreach (int watchers in new[] { 1, 20 })
        {
            List<double> latencies = await FanOut(server, store, watchers, 100);
            Console.WriteLine($"watch fan-out, {watchers,2} watcher(s), 100 new pods: a pod reaches every watcher in {Median(latencies):0.0} ms (median), {latencies.Order().ElementAt(98):0.0} ms (99th), {latencies.Max():0.0} ms (most)");
        }

        return 0;
    }

    // Each pod created once the one before has reached every watcher; the time from its creation to the last watcher's line.
    private static async Task<List<double>> FanOut(string server, ObjectStore store, int watchers, int pods)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server + "/"), Timeout = Timeout.InfiniteTimeSpan };
        string version = (string?)JsonNode.Parse(await http.GetStringAsync("api/v1/namespaces/fanout/pods"))?["metadata"]?["resourceVersion"] ?? "0";
        using var stop = new CancellationTokenSource();
        var seen = new Dictionary<string, int>();
        var arrived = new Dictionary<string, TaskCompletionSource<long>>();
        var clock = Stopwatch.StartNew();
        var readers = new List<Task>();
        for (int w = 0; w < watchers; w++)
        {
            HttpResponseMessage response = await http.GetAsync($"api/v1/namespaces/fanout/pods?watch=1&resourceVersion={version}", HttpCompletionOption.ResponseHeadersRead);
            var body = new StreamReader(await response.Content.ReadAsStreamAsync());
            readers.Add(Task.Run(async () =>
            {
                try
                {
                    while (await body.ReadLineAsync(stop.Token) is string line)
                    {
                        JsonNode? e = JsonNode.Parse(line);
                        if ((string?)e?["type"] != "ADDED" || (string?)e?["object"]?["metadata"]?["name"] is not string name)
                        {
                            continue;
                        }

                        lock (seen)
                        {
                            seen[name] = seen.GetValueOrDefault(name) + 1;
                            if (seen[name] == watchers && arrived.TryGetValue(name, out var done))
                            {
                                done.TrySetResult(clock.ElapsedTicks);
                            }
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // the measurement is over
                }
                finally
                {
                    response.Dispose();
                }
            }));
        }

        var latencies = new List<double>();
        for (int i = 0; i < pods; i++)
        {
            string name = $"fan-{watchers}-{i:D3}";
            var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (seen)
            {
                arrived[name] = done;
            }

            long start = clock.ElapsedTicks;
            store.Create(Pod(name, "fanout", i));
            long end = await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
            latencies.Add((end - start) * 1000.0 / Stopwatch.Frequency);
        }

        stop.Cancel();
        await Task.WhenAll(readers);
        foreach (KubeObject pod in store.List("Pod").Items.Where(p => p.Namespace == "fanout"))
        {
            store.Delete("Pod", "fanout", pod.Name);
        }

        return latencies;
    }

    private static KubeObject Pod(string name, string ns, int i) => new((JsonObject)JsonNode.Parse($$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{"app":"web"}},
         "spec":{"nodeName":"node-{{{i % 3 + 1}}}","containers":[{"name":"whoami","image":"whoami","ports":[{"containerPort":80}]}]},
         "status":{"phase":"Running","podIP":"10.244.{{{i % 3 + 1}}}.{{{i % 250 + 2}}}","containerStatuses":[{"name":"whoami","ready":true,"restartCount":0}]}}
        """)!);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string? Which(string tool) => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static (int Code, string Out, double Ms) Exec(string file, string[] args, string dir, Dictionary<string, string>? env)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach ((string key, string value) in env ?? [])
        {
            info.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        double ms = clock.Elapsed.TotalMilliseconds;
        return (process.ExitCode, output.Result + (process.ExitCode != 0 ? error.Result : ""), ms);
    }
}
