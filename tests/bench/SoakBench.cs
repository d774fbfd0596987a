using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Edge.Bench;

/// <summary>
/// `-- soak [MINUTES]` (60 by default; not for CI): a lab of three virtual boards as `edgectl lab
/// up` runs them, with steady traffic (the client fetching http://web every 2 s), churned pods
/// (a web pod deleted every minute, its deployment making another) and a board's process killed
/// and restarted every 5 minutes. Every minute it samples each process's resident memory, the
/// boards' drop counters, and the traffic's successes; at the end it says whether memory stayed
/// flat and errors stopped with the faults. Uses the built edgectl (dotnet build first).
/// </summary>
public static class SoakBench
{
    private static string Home = Path.Combine(Path.GetTempPath(), "edge-soak");
    private static string FirstAddress = "127.0.13.1";
    private static readonly string Edgectl = Path.Combine(Repo.Root(), "host-tools/Edge.Cli/bin/Release/net10.0/edgectl.dll");

    /// <param name="firstAddress">The boards' first address (two soaks side by side need their own).</param>
    public static int Run(int minutes, string firstAddress = "127.0.13.1")
    {
        FirstAddress = firstAddress;
        Home = Path.Combine(Path.GetTempPath(), "edge-soak-" + firstAddress);
        if (!File.Exists(Edgectl))
        {
            Console.Error.WriteLine($"error: {Edgectl} is missing: dotnet build -c Release first");
            return 1;
        }

        if (Directory.Exists(Home))
        {
            Edgectl_("lab", "down", "--purge");
            Directory.Delete(Home, recursive: true);
        }

        Directory.CreateDirectory(Home);
        try
        {
            return Soak(minutes);
        }
        finally
        {
            Edgectl_("lab", "down", "--purge");
        }
    }

    private static int Soak(int minutes)
    {
        Check(Edgectl_("lab", "up", "--nodes", "3", "--first-address", FirstAddress), "lab up");
        Check(Edgectl_("apply", "-f", "examples/web.yaml", "-f", "examples/client.yaml"), "apply");
        WaitFor(() => Edgectl_("exec", "client", "--", "wget", "-qO-", "http://web").Exit == 0, "web answering", 120);

        var clock = Stopwatch.StartNew();
        var samples = new List<string>();
        int ok = 0, failed = 0, okThisMinute = 0, failedThisMinute = 0, restarts = 0, deleted = 0;
        long firstControlPlane = 0, lastControlPlane = 0;
        var boardFirst = new Dictionary<string, long>();
        var boardLast = new Dictionary<string, long>();
        Console.WriteLine("minute  control plane RSS  boards' RSS (MiB)     wget ok/failed  web pods  boards' last stats line (managed heap, buffers, conntrack, drops)");
        for (int minute = 1; minute <= minutes; minute++)
        {
            while (clock.Elapsed < TimeSpan.FromMinutes(minute))
            {
                if (Edgectl_("exec", "client", "--", "wget", "-qO-", "http://web").Exit == 0)
                {
                    ok++;
                    okThisMinute++;
                }
                else
                {
                    failed++;
                    failedThisMinute++;
                }

                Thread.Sleep(2000); // the traffic's pace, not a wait for readiness
            }

            // Churn: a web pod goes, its deployment makes another.
            string? pod = WebPods().FirstOrDefault();
            if (pod != null && Edgectl_("delete", "pod", pod).Exit == 0)
            {
                deleted++;
            }

            // Every 5 minutes a board's process is killed, and lab up starts it again.
            if (minute % 5 == 0 && minute < minutes)
            {
                string node = $"node-{1 + (minute / 5) % 3}";
                using (Process board = Process.GetProcessById(Pid(node)))
                {
                    board.Kill();
                    board.WaitForExit(); // else lab up may still see it running
                }

                WaitFor(() => Edgectl_("lab", "up", "--nodes", "3", "--first-address", FirstAddress).Exit == 0, "the board restarted", 120);
                restarts++;
            }

            long controlPlane = Rss(ControlPlanePid());
            var boards = Enumerable.Range(1, 3).ToDictionary(n => $"node-{n}", n => Rss(Pid($"node-{n}")));
            if (minute == 2)
            {
                firstControlPlane = controlPlane;
                foreach (var (node, rss) in boards)
                {
                    boardFirst[node] = rss;
                }
            }

            lastControlPlane = controlPlane;
            foreach (var (node, rss) in boards)
            {
                boardLast[node] = rss;
            }

            string line = string.Create(CultureInfo.InvariantCulture,
                $"{minute,6}  {controlPlane / 1048576.0,12:F1} MiB  {string.Join(" ", boards.Values.Select(b => $"{b / 1048576.0,6:F1}"))}   {okThisMinute,6}/{failedThisMinute,-6}  {WebPods().Count,8}  {string.Join(" | ", boards.Keys.Select(LastStats))}");
            Console.WriteLine(line);
            samples.Add(line);
            okThisMinute = failedThisMinute = 0;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{minutes} minutes: {ok} fetches answered, {failed} failed; {deleted} pods deleted and replaced, {restarts} boards restarted"));
        if (minutes >= 3)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"control plane RSS minute 2 -> {minutes}: {firstControlPlane / 1048576.0:F1} -> {lastControlPlane / 1048576.0:F1} MiB ({(double)lastControlPlane / firstControlPlane:F2}x)"));
            foreach (string node in boardFirst.Keys)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{node} RSS minute 2 -> {minutes}: {boardFirst[node] / 1048576.0:F1} -> {boardLast[node] / 1048576.0:F1} MiB (a restarted board starts again from its boot)"));
            }
        }

        return 0;
    }

    // The last "stats:" line a board wrote to its log (AgentBoard.Stats, once a minute).
    private static string LastStats(string node)
    {
        string log = Path.Combine(Home, "labs", "lab", node + ".log");
        string? line = File.Exists(log) ? File.ReadLines(log).LastOrDefault(l => l.Contains("stats: ", StringComparison.Ordinal)) : null;
        return line == null ? "-" : line[(line.IndexOf("stats: ", StringComparison.Ordinal) + 7)..];
    }

    private static List<string> WebPods()
    {
        var run = Edgectl_("get", "pods", "-l", "app=web", "-o", "json");
        return run.Exit != 0 ? [] : (JsonNode.Parse(run.Out)?["items"] as JsonArray ?? [])
            .Where(p => (string?)p?["status"]?["phase"] == "Running").Select(p => (string)p!["metadata"]!["name"]!).ToList();
    }


    private static JsonNode Lab() => JsonNode.Parse(File.ReadAllText(Path.Combine(Home, "labs", "lab", "lab.json")))!;

    private static int Pid(string node) => (int)Lab()["boards"]!.AsArray().Single(b => (string?)b!["name"] == node)!["pid"]!;

    private static int ControlPlanePid() => (int)Lab()["controlPlane"]!["pid"]!;

    // Resident memory from /proc (Linux), 0 when the process is gone.
    private static long Rss(int pid)
    {
        try
        {
            string status = File.ReadAllText($"/proc/{pid}/status");
            string line = status.Split('\n').First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static void WaitFor(Func<bool> condition, string what, int seconds)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            Thread.Sleep(500);
        }
    }

    private static void Check((int Exit, string Out, string Err) run, string what)
    {
        if (run.Exit != 0)
        {
            throw new InvalidOperationException($"{what} failed: {run.Out}{run.Err}");
        }
    }

    private static (int Exit, string Out, string Err) Edgectl_(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repo.Root() };
        start.ArgumentList.Add(Edgectl);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["EDGE_HOME"] = Home;
        start.Environment.Remove("EDGE_SERVER");
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "", "timed out");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
