using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// A pod of two containers in one sandbox, and probes run by the boards (workshop track 11):
/// the toolbox reaches whoami on localhost; whoami's readiness follows its /health, and the pod
/// leaves and rejoins its Service's endpoints on every board; a failing liveness probe restarts
/// its container after its back-off, with the kubelet's events.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class PodContainersEndToEndTests(ITestOutputHelper output) : LabTest("sidecar")
{
    private static readonly string[] Nodes = ["node-1", "node-2", "node-3"];

    private JsonNode Pod(string name) => Get("pod", name);

    // Whether every board's service tables send the sidecar Service to the pod.
    private bool EveryBoardRoutesTo(string podIp) =>
        Nodes.All(n => Edgectl.Run("tables", n).Out.Contains($"--to-destination {podIp}:80", StringComparison.Ordinal));

    private bool NoBoardRoutesTo(string podIp) =>
        Nodes.All(n => Edgectl.Run("tables", n) is { ExitCode: 0 } run && !run.Out.Contains($"--to-destination {podIp}:80", StringComparison.Ordinal));

    [Fact]
    public void Containers_share_the_sandbox_and_readiness_and_liveness_probes_act_as_the_kubelets()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", "127.0.10.205");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Apply("examples/pods/sidecar.yaml");
        WaitFor(() => (string?)Pod("sidecar")["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Ready")?["status"] == "True", "sidecar Ready");
        JsonNode sidecar = Pod("sidecar");
        string ip = (string)sidecar["status"]!["podIP"]!;
        Assert.Equal(["whoami", "toolbox"], sidecar["status"]!["containerStatuses"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Matches(@"(?m)^sidecar\s+2/2\s+Running\s+0\s+", Edgectl.Run("get", "pod", "sidecar").Out);

        // The toolbox reaches whoami on localhost: one sandbox, one loopback.
        CliRun local = Edgectl.Run("exec", "sidecar", "-c", "toolbox", "--", "wget", "-qO-", "http://127.0.0.1/");
        Assert.True(local.ExitCode == 0, local.Err);
        Assert.Contains("Hostname: sidecar\n", local.Out);
        Assert.Contains("RemoteAddr: 127.0.0.1:", local.Out);
        WaitFor(() => EveryBoardRoutesTo(ip), "every board's tables sending the Service to the pod");

        // env in the toolbox: the variables the kubelet writes for the Services of the namespace
        // (and default's kubernetes), made on the board from the Services it holds.
        CliRun env = Edgectl.Run("exec", "sidecar", "-c", "toolbox", "--", "env");
        Assert.True(env.ExitCode == 0, env.Err);
        Assert.Contains("HOSTNAME=sidecar\n", env.Out);
        foreach (JsonNode? service in Get("services")["items"]!.AsArray())
        {
            string clusterIp = (string)service!["spec"]!["clusterIP"]!;
            string variable = ((string)service["metadata"]!["name"]!).ToUpperInvariant().Replace('-', '_');
            JsonNode port = service["spec"]!["ports"]![0]!;
            Assert.Contains($"{variable}_SERVICE_HOST={clusterIp}\n", env.Out);
            Assert.Contains($"{variable}_SERVICE_PORT={(int)port["port"]!}\n", env.Out);
            Assert.Contains($"{variable}_PORT_{(int)port["port"]!}_{(string?)port["protocol"] ?? "TCP"}_ADDR={clusterIp}\n", env.Out);
        }

        // /health switched to 500: the readiness probe fails, the pod leaves the endpoints everywhere.
        CliRun post = Edgectl.Run("exec", "sidecar", "-c", "toolbox", "--", "curl", "-s", "-X", "POST", "-d", "500", "http://127.0.0.1/health");
        Assert.True(post.ExitCode == 0, post.Err);
        var drain = Stopwatch.StartNew();
        WaitFor(() => NoBoardRoutesTo(ip), "the pod out of every board's tables", 20);
        output.WriteLine($"readiness flip to drained on 3 boards: {drain.ElapsedMilliseconds} ms (including reading 3 boards' tables each round)");
        Assert.Matches(@"(?m)^sidecar\s+1/2\s+Running\s+0\s+", Edgectl.Run("get", "pod", "sidecar").Out);
        Assert.DoesNotContain(ip, (string?)Get("endpoints", "sidecar")["subsets"]?[0]?["addresses"]?.ToJsonString() ?? "");
        string events = Edgectl.Run("describe", "pod", "sidecar").Out;
        Assert.Matches(@"Warning\s+Unhealthy\s+.*Readiness probe failed: HTTP probe failed with statuscode: 500", events);
        Assert.Contains("Readiness:     http-get http://:http/health delay=0s timeout=1s period=1s #success=1 #failure=1", events);
        Assert.Contains("Update health check status code [500]", Edgectl.Run("logs", "sidecar", "-c", "whoami").Out);

        Edgectl.Run("exec", "sidecar", "-c", "toolbox", "--", "curl", "-s", "-X", "POST", "-d", "200", "http://127.0.0.1/health");
        var refill = Stopwatch.StartNew();
        WaitFor(() => EveryBoardRoutesTo(ip), "the pod back in every board's tables", 20);
        output.WriteLine($"readiness back to refilled on 3 boards: {refill.ElapsedMilliseconds} ms");

        // logs of a pod of two containers without -c: the first, said as kubectl says it.
        CliRun logs = Edgectl.Run("logs", "sidecar");
        Assert.Equal(0, logs.ExitCode);
        Assert.Contains("Defaulted container \"whoami\" out of: whoami, toolbox", logs.Err);

        // Liveness: /health at 500 for three probes and the board restarts whoami.
        WaitFor(() => (string?)Pod("lively")["status"]?["phase"] == "Running", "lively Running");
        string livelyIp = (string)Pod("lively")["status"]!["podIP"]!;
        Assert.Equal(0, Edgectl.Run("exec", "sidecar", "-c", "toolbox", "--", "curl", "-s", "-X", "POST", "-d", "500", $"http://{livelyIp}/health").ExitCode);
        WaitFor(() => (int?)Pod("lively")["status"]?["containerStatuses"]?[0]?["restartCount"] >= 1, "lively restarted after its liveness probe failed", 40);
        string describe = Edgectl.Run("describe", "pod", "lively").Out;
        Assert.Matches(@"(?m)^    Last State:\s+Terminated\n      Reason:\s+Error\n      Exit Code:\s+143$", describe);
        Assert.Matches(@"Normal\s+Killing\s+.*Container whoami failed liveness probe, will be restarted", describe);
        Assert.Matches(@"(?m)^lively\s+1/1\s+Running\s+1\s+", Edgectl.Run("get", "pod", "lively").Out); // a new whoami: its /health is 200 again
    }
}
