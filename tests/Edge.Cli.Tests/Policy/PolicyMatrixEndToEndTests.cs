using System.Diagnostics;
using System.Text.Json.Nodes;
using Edge.Cli.Tests.Lab;
using Xunit.Abstractions;

namespace Edge.Cli.Tests.Policy;

/// <summary>
/// `edgectl policy matrix` on three virtual boards: namespaces x and y with pods a and b each,
/// probed with real connections before and after y takes a default-deny-ingress, in upstream's
/// layout, and beside `policy check` (--expect). The lab's addresses: 127.0.10.221-223.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class PolicyMatrixEndToEndTests(ITestOutputHelper log) : LabTest("polmatrix")
{
    private const string Pods = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: x}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: y}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: x, labels: {pod: a}}
        spec: {containers: [{name: web, image: whoami, ports: [{containerPort: 80}]}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: x, labels: {pod: b}}
        spec: {containers: [{name: web, image: whoami, ports: [{containerPort: 80}]}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: y, labels: {pod: a}}
        spec: {containers: [{name: web, image: whoami, ports: [{containerPort: 80}]}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: y, labels: {pod: b}}
        spec: {containers: [{name: web, image: whoami, ports: [{containerPort: 80}]}]}
        """;

    private const string Legend = "TCP 80, sources down, destinations across: \".\" connected, \"X\" blocked (no connection within 1 s)";

    private readonly ITestOutputHelper _log = log;

    private int RunningPods()
    {
        CliRun get = Edgectl.Run("get", "pods", "-A", "-o", "json");
        Assert.True(get.ExitCode == 0, get.Err);
        return (JsonNode.Parse(get.Out)!["items"] as JsonArray ?? []).Count(p =>
            (string?)p?["status"]?["phase"] == "Running" && !string.IsNullOrEmpty((string?)p?["status"]?["podIP"]));
    }

    /// <summary>The matrix of x and y, and how long edgectl took to make it.</summary>
    private (CliRun Run, TimeSpan Took) Matrix(params string[] more)
    {
        var clock = Stopwatch.StartNew();
        CliRun run = Edgectl.Run(["policy", "matrix", "-n", "x,y", .. more]);
        _log.WriteLine($"policy matrix {string.Join(' ', more)}: {clock.Elapsed.TotalSeconds:0.00} s, exit {run.ExitCode}\n{run.Out}{run.Err}");
        return (run, clock.Elapsed);
    }

    /// <summary>Runs the matrix until it prints <paramref name="expected"/> (the boards take a policy within seconds), and returns that run.</summary>
    private CliRun MatrixUntil(string expected, string what, int seconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            CliRun run = Matrix().Run;
            if (run.Out == expected)
            {
                return run;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"timed out waiting for {what}; the last matrix:\n{run.Out}{run.Err}");
            Thread.Sleep(250);
        }
    }

    [Fact]
    public void The_matrix_shows_what_real_connections_find_before_and_after_a_default_deny_in_one_namespace()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", "127.0.10.221");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        File.WriteAllText(Path.Combine(Home, "pods.yaml"), Pods);
        CliRun apply = Edgectl.Run("apply", "-f", Path.Combine(Home, "pods.yaml"));
        Assert.True(apply.ExitCode == 0, apply.Out + apply.Err);
        WaitFor(() => RunningPods() == 4, "four pods Running with an IP");

        string open = $"""
            -     x/a   x/b   y/a   y/b
            x/a   .     .     .     .
            x/b   .     .     .     .
            y/a   .     .     .     .
            y/b   .     .     .     .

            16 probes: 16 connected, 0 blocked
            {Legend}

            """;
        CliRun before = MatrixUntil(open, "every pod reaching every pod before any policy");
        Assert.Equal((0, ""), (before.ExitCode, before.Err));

        CliRun deny = Edgectl.Run("apply", "-f", "examples/policy/default-deny-ingress.yaml", "-n", "y");
        Assert.True(deny.ExitCode == 0, deny.Out + deny.Err);
        string denied = $"""
            -     x/a   x/b   y/a   y/b
            x/a   .     .     X     X
            x/b   .     .     X     X
            y/a   .     .     .     X
            y/b   .     .     X     .

            16 probes: 10 connected, 6 blocked
            {Legend}

            """;
        CliRun after = MatrixUntil(denied, "y closed by default-deny-ingress, each pod still reaching itself");
        Assert.Equal((0, ""), (after.ExitCode, after.Err)); // X's are an answer, not an error

        // The boards agree with the computation, cell by cell; six 1 s timeouts on three boards take seconds, not minutes.
        (CliRun expect, TimeSpan took) = Matrix("--expect");
        Assert.Equal((0, ""), (expect.ExitCode, expect.Err));
        Assert.Contains("\n16 probes: 10 connected, 6 blocked; 0 differ from policy check\n", expect.Out);
        Assert.True(took < TimeSpan.FromSeconds(15), $"the matrix took {took.TotalSeconds:0.0} s");

        CliRun json = Edgectl.Run("policy", "matrix", "-n", "y", "-n", "x", "-o", "json");
        Assert.Equal((0, ""), (json.ExitCode, json.Err));
        JsonNode parsed = JsonNode.Parse(json.Out)!;
        Assert.Equal((16, 10, 6), ((int)parsed["probes"]!, (int)parsed["connected"]!, (int)parsed["blocked"]!));
        JsonNode cell = parsed["cells"]!.AsArray().Single(c => (string?)c!["from"] == "x/a" && (string?)c["to"] == "y/b")!;
        Assert.Equal("blocked", (string?)cell["result"]);
        Assert.EndsWith(": connection timed out", (string?)cell["detail"]);
    }
}
