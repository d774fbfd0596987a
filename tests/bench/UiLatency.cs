using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Cluster;
using Edge.Host.Objects;
using Edge.Host.Store;
using OpenQA.Selenium.Chrome;

namespace Edge.Bench;

/// <summary>
/// The lab view's update latency (issue 18): a pod created in the store until the page in a
/// real browser (Debian's headless chromium) has drawn it, through `edgectl ui` run as a user
/// runs it (its own process, its watches on the API, server-sent events to the page, the page's
/// redraw), beside a `kubectl get -w`-style watcher on the same API seeing the same pod's ADDED
/// event, measured in the same run. A control plane with no boards, in this process; each pod
/// created once the one before has reached both. Times are the wall clock's on both sides (the
/// page notes Date.now() when it first draws a pod, this process DateTime.UtcNow), so
/// milliseconds, not microseconds.
/// </summary>
public static class UiLatency
{
    public static int Run(int pods)
    {
        if (!File.Exists("/usr/bin/chromium") || !File.Exists("/usr/bin/chromedriver"))
        {
            Console.Error.WriteLine("error: needs Debian's chromium and its driver: apt-get install chromium chromium-driver");
            return 1;
        }

        string root = Repo.Root();
        Console.WriteLine("building edgectl: dotnet build host-tools/Edge.Cli -c Release");
        using (Process build = Process.Start("dotnet", ["build", Path.Combine(root, "host-tools", "Edge.Cli"), "-c", "Release", "-v", "q"]))
        {
            build.WaitForExit();
            if (build.ExitCode != 0)
            {
                Console.Error.WriteLine("error: the build failed");
                return 1;
            }
        }

        string edgectl = Path.Combine(root, "host-tools", "Edge.Cli", "bin", "Release", "net10.0", "edgectl.dll");
        string dir = Directory.CreateTempSubdirectory("edge-ui-bench-").FullName;
        try
        {
            return RunAsync(edgectl, dir, pods).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<int> RunAsync(string edgectl, string dir, int pods)
    {
        using ObjectStore store = ObjectStore.Open(Path.Combine(dir, "bench.db"));
        await using var controlPlane = new ControlPlane(store);
        await using ApiServer api = await ApiServer.StartAsync(controlPlane, IPAddress.Loopback, 0, token: null);
        string server = api.Address.ToString().TrimEnd('/');
        for (int n = 1; n <= 3; n++)
        {
            store.Create(Node($"node-{n}", n));
        }

        // edgectl ui, as typed, on a port it picks and prints.
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { edgectl, "ui", "--server", server })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["EDGE_HOME"] = dir;
        using Process ui = Process.Start(info)!;
        try
        {
            string? url = null;
            while (url == null && await ui.StandardOutput.ReadLineAsync() is string line)
            {
                url = line.StartsWith("Lab view: ", StringComparison.Ordinal) ? line["Lab view: ".Length..].Split(' ')[0] : null;
            }

            if (url == null)
            {
                Console.Error.WriteLine("error: edgectl ui printed no URL: " + await ui.StandardError.ReadToEndAsync());
                return 1;
            }

            using ChromeDriverService service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
            service.SuppressInitialDiagnosticInformation = true;
            var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
            options.AddArguments("--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1600,1000");
            if (Environment.IsPrivilegedProcess)
            {
                options.AddArgument("--no-sandbox");
            }

            using var browser = new ChromeDriver(service, options);
            try
            {
                browser.Navigate().GoToUrl(url);
                if (!Until(() => Convert.ToInt64(browser.ExecuteScript("return window.edgeLab ? window.edgeLab.revision : -1;"), System.Globalization.CultureInfo.InvariantCulture) >= 0, TimeSpan.FromSeconds(30)))
                {
                    Console.Error.WriteLine("error: the page drew nothing in 30 s");
                    return 1;
                }

                (List<double> page, List<double> watcher) = await Measure(server, store, browser, pods);
                double pageMedian = Median(page), watchMedian = Median(watcher);
                Console.WriteLine($"a new pod, {pods} pods one after another (median; 95th percentile):");
                Console.WriteLine($"  watcher (kubectl get -w style) {watchMedian,7:0.0} ms   {Percentile(watcher, 95),7:0.0} ms");
                Console.WriteLine($"  lab view drawn in the browser  {pageMedian,7:0.0} ms   {Percentile(page, 95),7:0.0} ms");
                Console.WriteLine($"  ratio                          {pageMedian / Math.Max(watchMedian, 0.001),7:0.0}x  (page / watcher)");
                Console.WriteLine($"  page minus watcher (median of the differences) {Median(page.Zip(watcher, (p, w) => p - w).ToList()):0.0} ms");
                return 0;
            }
            finally
            {
                browser.Quit();
            }
        }
        finally
        {
            ui.Kill(entireProcessTree: true);
            await ui.WaitForExitAsync();
        }
    }

    private static async Task<(List<double> Page, List<double> Watcher)> Measure(string server, ObjectStore store, ChromeDriver browser, int pods)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server + "/"), Timeout = Timeout.InfiniteTimeSpan };
        string version = (string?)JsonNode.Parse(await http.GetStringAsync("api/v1/pods"))?["metadata"]?["resourceVersion"] ?? "0";
        using HttpResponseMessage response = await http.GetAsync($"api/v1/pods?watch=1&resourceVersion={version}", HttpCompletionOption.ResponseHeadersRead);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var stop = new CancellationTokenSource();
        var seen = new Dictionary<string, TaskCompletionSource<double>>();
        Task reader = Task.Run(async () =>
        {
            try
            {
                while (await body.ReadLineAsync(stop.Token) is string line)
                {
                    double at = Now();
                    JsonNode? e = JsonNode.Parse(line);
                    if ((string?)e?["type"] == "ADDED" && (string?)e?["object"]?["metadata"]?["name"] is string name)
                    {
                        lock (seen)
                        {
                            if (seen.TryGetValue(name, out var done))
                            {
                                done.TrySetResult(at);
                            }
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // the measurement is over
            }
        });

        List<double> page = [], watcher = [];
        for (int i = 0; i < pods; i++)
        {
            string name = $"bench-{i:D3}";
            var done = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (seen)
            {
                seen[name] = done;
            }

            double start = Now();
            store.Create(Pod(name, i));
            double watched = await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
            double drawn = 0;
            if (!Until(() => (drawn = Convert.ToDouble(browser.ExecuteScript($"return window.edgeLab.firstSeen['default/{name}'] || 0;"), System.Globalization.CultureInfo.InvariantCulture)) > 0, TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"the page did not draw {name} in 30 s");
            }

            watcher.Add(watched - start);
            page.Add(drawn - start);
        }

        await stop.CancelAsync();
        await reader;
        return (page, watcher);
    }

    private static double Now() => DateTime.UtcNow.Subtract(DateTime.UnixEpoch).TotalMilliseconds;

    private static bool Until(Func<bool> condition, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > deadline)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }

    private static KubeObject Node(string name, int n) => new((JsonObject)JsonNode.Parse($$$"""
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"{{{name}}}"},"spec":{"podCIDR":"10.244.{{{n}}}.0/24"},
         "status":{"addresses":[{"type":"InternalIP","address":"127.0.10.{{{n}}}"}],"capacity":{"pods":"16","memory":"768Ki"},
                   "conditions":[{"type":"Ready","status":"True"}]}}
        """)!);

    private static KubeObject Pod(string name, int i) => new((JsonObject)JsonNode.Parse($$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"default","labels":{"app":"bench"}},
         "spec":{"nodeName":"node-{{{i % 3 + 1}}}","containers":[{"name":"whoami","image":"whoami"}]},
         "status":{"phase":"Running","podIP":"10.244.{{{i % 3 + 1}}}.{{{i % 250 + 2}}}","conditions":[{"type":"Ready","status":"True"}],
                   "containerStatuses":[{"name":"whoami","ready":true,"restartCount":0,"state":{"running":{} } }]}}
        """)!);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double Percentile(List<double> values, int p) => values.Order().ElementAt(Math.Min(values.Count - 1, values.Count * p / 100));
}
