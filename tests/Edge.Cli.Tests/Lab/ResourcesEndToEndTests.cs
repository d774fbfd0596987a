using System.Text.Json.Nodes;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// Requests, limits and what boards offer, on a lab of a WT32-ETH01 (WROOM: 8Ki for pods) and two
/// ESP32-Ethernet-Kits (WROVER: 768Ki): the scheduler fills boards by memory requests as
/// kube-scheduler does, a pod no board can hold stays Pending with its message, and a
/// namespace's LimitRange defaults and refuses at admission (workshop track, 9).
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class ResourcesEndToEndTests() : LabTest("resources")
{
    private const string FirstBoard = "127.0.10.216";

    private string Manifest(string name, string yaml)
    {
        string path = Path.Combine(Home, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private string Asking(string name, string memory) => Manifest(name + ".yaml", $"""
        apiVersion: v1
        kind: Pod
        metadata: {"{"}name: {name}{"}"}
        spec:
          containers:
          - name: app
            image: whoami
            resources: {"{"}requests: {"{"}memory: {memory}{"}"}{"}"}
        """);

    private JsonNode Pod(string name) => Get("pod", name);

    private static string? Scheduled(JsonNode pod) => (string?)pod["spec"]!["nodeName"];

    private static string? Unschedulable(JsonNode pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).Where(c => (string?)c!["type"] == "PodScheduled" && (string?)c["status"] == "False").Select(c => (string?)c!["message"]).FirstOrDefault();

    [Fact]
    public void Boards_offer_their_memory_class_s_share_and_the_scheduler_fills_them_by_requests()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", FirstBoard, "--profile", "wt32-eth01", "--profile", "esp32-ethernet-kit");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);

        // What each board offers pods: its Node's allocatable memory, from its memory class; one cpu each.
        Assert.Equal(("8Ki", "1"), ((string?)Get("node", "node-1")["status"]!["allocatable"]!["memory"], (string?)Get("node", "node-1")["status"]!["allocatable"]!["cpu"]));
        Assert.Equal("768Ki", (string?)Get("node", "node-2")["status"]!["allocatable"]!["memory"]);

        // A pod no board can hold waits, with kube-scheduler's words in its condition and event.
        Apply("examples/resources/hungry.yaml");
        WaitFor(() => Unschedulable(Pod("hungry")) != null, "hungry marked unschedulable");
        Assert.Equal("0/3 nodes are available: 3 Insufficient memory.", Unschedulable(Pod("hungry")));
        Assert.Equal("Pending", (string?)Pod("hungry")["status"]!["phase"]);
        string describe = Edgectl.Run("describe", "pod", "hungry").Out;
        Assert.Matches(@"(?m)^    Requests:\n      cpu:\s+100m\n      memory:\s+2Mi$", describe);
        Assert.Matches(@"(?m)^QoS Class:\s+Burstable$", describe);
        Assert.Matches(@"(?m)^  Warning\s+FailedScheduling\s+.*0/3 nodes are available: 3 Insufficient memory\.$", describe);

        // Requests fill the WROVER boards (the WROOM board offers too little for either); the third waits.
        Apply(Asking("big-1", "600Ki"));
        WaitFor(() => (string?)Pod("big-1")["status"]!["phase"] == "Running", "big-1 Running");
        Apply(Asking("big-2", "600Ki"));
        WaitFor(() => (string?)Pod("big-2")["status"]!["phase"] == "Running", "big-2 Running");
        Assert.Equal(["node-2", "node-3"], new[] { Scheduled(Pod("big-1")), Scheduled(Pod("big-2")) }.Order());
        Apply(Asking("big-3", "600Ki"));
        WaitFor(() => Unschedulable(Pod("big-3")) != null, "big-3 marked unschedulable");
        Assert.Equal("0/3 nodes are available: 3 Insufficient memory.", Unschedulable(Pod("big-3")));

        // A small request still fits beside them, and describe node shows what each board's pods ask.
        Apply(Asking("small", "1Ki"));
        WaitFor(() => (string?)Pod("small")["status"]!["phase"] == "Running", "small Running");
        Assert.Equal("node-1", Scheduled(Pod("small")));
        string node2 = Edgectl.Run("describe", "node", Scheduled(Pod("big-1"))!).Out;
        Assert.Matches(@"(?m)^  memory\s+600Ki \(78%\)\s+0 \(0%\)$", node2);
        Assert.Matches(@"(?m)^  default\s+big-1\s+0 \(0%\)\s+0 \(0%\)\s+600Ki \(78%\)\s+0 \(0%\)\s+\S+$", node2);

        // A LimitRange: a pod above its max is forbidden at admission; one that says nothing gets its defaults.
        Assert.Equal(0, Edgectl.Run("delete", "pod", "hungry").ExitCode);
        Apply("examples/resources/limits.yaml");
        CliRun refused = Edgectl.Run("apply", "-f", "examples/resources/hungry.yaml");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("pods \"hungry\" is forbidden: maximum memory usage per Container is 64Ki, but limit is 2Mi", refused.Err);
        Apply("examples/client.yaml");
        JsonNode client = Pod("client");
        Assert.Equal("""{"limits":{"cpu":"250m","memory":"2Ki"},"requests":{"cpu":"100m","memory":"1Ki"}}""", client["spec"]!["containers"]![0]!["resources"]!.ToJsonString());
        Assert.Equal("LimitRanger plugin set: cpu, memory request for container toolbox; cpu, memory limit for container toolbox", (string?)client["metadata"]!["annotations"]!["kubernetes.io/limit-ranger"]);
        Assert.Equal("Burstable", (string?)client["status"]!["qosClass"]);
        WaitFor(() => (string?)Pod("client")["status"]!["phase"] == "Running", "client Running");
        CliRun wget = Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://" + (string)Pod("small")["status"]!["podIP"]!);
        Assert.True(wget.ExitCode == 0, wget.Err);

        // A container whose ConfigMap is not there yet waits as the kubelet makes it wait, then starts by itself (workshop track, 10).
        Apply("examples/env/greeter.yaml");
        WaitFor(() => (string?)Pod("greeter")["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"] == "CreateContainerConfigError", "greeter waiting for its ConfigMap");
        Assert.Equal("configmap \"settings\" not found", (string?)Pod("greeter")["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!["message"]);
        Assert.Matches(@"(?m)^  Warning\s+Failed\s+.*Error: configmap ""settings"" not found$", Edgectl.Run("describe", "pod", "greeter").Out);
        Apply("examples/env/settings.yaml");
        WaitFor(() => (string?)Pod("greeter")["status"]!["phase"] == "Running", "greeter Running once its ConfigMap is there");
        string greeter = Edgectl.Run("describe", "pod", "greeter").Out;
        Assert.Matches(@"(?m)^    Environment Variables from:\n      settings\s+ConfigMap with prefix 'APP_'\s+Optional: false$", greeter);
        Assert.Matches(@"(?m)^      GREETING:\s+<set to the key 'greeting' of config map 'settings'>\s+Optional: false$", greeter);
        Assert.Matches($@"(?m)^      POD_IP:\s+{System.Text.RegularExpressions.Regex.Escape((string)Pod("greeter")["status"]!["podIP"]!)} \(v1:status\.podIP\)$", greeter);
    }
}
