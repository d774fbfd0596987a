using System.Text.Json.Nodes;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// A container's args on the boards: traefik/whoami's --port and --name behind a Service, and a
/// command line the image does not take, which crash-loops as on any cluster (workshop track, 10).
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class ContainerArgsEndToEndTests() : LabTest("args")
{
    private JsonNode Pod(string name) => Get("pod", name);

    [Fact]
    public void Whoami_takes_its_port_and_name_from_its_args_and_a_wrong_flag_crash_loops_with_its_usage_in_the_log()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "2", "--first-address", "127.0.10.51");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Apply("examples/whoami-port.yaml");
        Apply("examples/client.yaml");
        WaitFor(() => Get("pods", "-l", "app=whoami-8080")["items"]!.AsArray().Count(p => (string?)p!["status"]?["phase"] == "Running"
            && (bool?)p["status"]?["containerStatuses"]?[0]?["ready"] == true) == 2, "two whoami pods on port 8080");
        WaitFor(() => (string?)Pod("client")["status"]!["phase"] == "Running", "client Running");

        // Through the Service (80 -> 8080): the answer names the pod, as --name $(POD_NAME) said.
        CliRun wget = new(1, "", "");
        WaitFor(() => (wget = Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://whoami-8080")).ExitCode == 0, "the Service answering", 30);
        Assert.Matches(@"^Name: whoami-8080-[a-z0-9]+-[a-z0-9]+\nHostname: whoami-8080-", wget.Out);

        // A flag whoami does not have: the container exits 2 with Go's usage, and restarts after its back-off.
        string crash = Path.Combine(Home, "crash.yaml");
        File.WriteAllText(crash, """
            apiVersion: v1
            kind: Pod
            metadata: {name: crash}
            spec:
              containers:
              - {name: whoami, image: traefik/whoami, args: ["--listen", ":8080"]}
            """);
        Apply(crash);
        WaitFor(() => (string?)Pod("crash")["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"] == "CrashLoopBackOff", "crash in CrashLoopBackOff");
        JsonNode status = Pod("crash")["status"]!["containerStatuses"]![0]!;
        Assert.Matches(@"^back-off \d+s restarting failed container=whoami pod=crash_default\(", (string?)status["state"]!["waiting"]!["message"]);
        Assert.Equal(2, (int)status["lastState"]!["terminated"]!["exitCode"]!);
        Assert.Matches(@"(?m)^crash\s+0/1\s+CrashLoopBackOff\s+\d+\s+", Edgectl.Run("get", "pod", "crash").Out);
        CliRun logs = Edgectl.Run("logs", "crash");
        Assert.StartsWith("flag provided but not defined: -listen\nUsage of whoami:\n", logs.Out);
        WaitFor(() => (int)Pod("crash")["status"]!["containerStatuses"]![0]!["restartCount"]! >= 1, "a restart after the 10 s back-off", 30);
        string describe = Edgectl.Run("describe", "pod", "crash").Out;
        Assert.Matches(@"(?m)^    Last State:\s+Terminated\n      Reason:\s+Error\n      Exit Code:\s+2$", describe);
        Assert.Matches(@"(?m)^Sandbox:\s+[0-9a-f]{13} \(IP 10\.244\.\d+\.\d+, MAC 02:42:0a:f4:[0-9a-f:]+, shared by its containers\)$", describe);

        // The board's runtime as crictl shows one: the sandbox stays Ready while its container is
        // started again, each attempt a new container.
        string node = (string)Pod("crash")["spec"]!["nodeName"]!;
        Assert.Matches(@"(?m)^[0-9a-f]{13}\s+.+ ago\s+Ready\s+crash\s+default\s+0\s+\(default\)$", Edgectl.Run("sandboxes", node).Out);
        Assert.Matches(@"(?m)^[0-9a-f]{13}\s+traefik/whoami\s+.+ ago\s+Exited\s+whoami\s+[1-9]\d*\s+[0-9a-f]{13}\s+crash$", Edgectl.Run("containers", node).Out);
        CliRun unknown = Edgectl.Run("containers", "node-9");
        Assert.Equal((1, "error: nodes \"node-9\" not found; `edgectl get nodes` lists them\n"), (unknown.ExitCode, unknown.Err));
    }
}
