using System.Text.Json.Nodes;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// Memory limits kept by the boards (workshop track, 9): the documentation's stress exercise on a
/// three-board lab. A container within its limit runs; one whose program asks past its limit is
/// OOMKilled (exit 137) and crash-loops, as `kubectl describe` shows it, while the pods beside it
/// on the same boards keep answering through their Service.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class OomKilledEndToEndTests() : LabTest("oomkilled")
{
    private JsonNode Pod(string name) => Get("pod", name);

    private static JsonNode? Container(JsonNode pod) => pod["status"]?["containerStatuses"]?[0];

    [Fact]
    public void A_container_past_its_memory_limit_is_OOMKilled_while_its_neighbours_keep_serving()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", "127.0.10.185");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Apply("examples/web.yaml");
        Apply("examples/client.yaml");
        Apply("examples/resources/memory-demo.yaml");
        Apply("examples/resources/memory-demo-2.yaml");
        WaitFor(() => (string?)Pod("client")["status"]!["phase"] == "Running", "client Running");

        // Past its 2Ki limit: killed as the kernel's OOM killer kills, the kubelet's words in its status.
        WaitFor(() => (string?)Container(Pod("memory-demo-2"))?["lastState"]?["terminated"]?["reason"] == "OOMKilled"
            && (int?)Container(Pod("memory-demo-2"))?["restartCount"] >= 2, "memory-demo-2 OOMKilled and restarted twice");
        JsonNode terminated = Container(Pod("memory-demo-2"))!["lastState"]!["terminated"]!;
        Assert.Equal(137, (int?)terminated["exitCode"]);
        string describe = Edgectl.Run("describe", "pod", "memory-demo-2").Out;
        Assert.Matches(@"(?m)^    Last State:\s+Terminated\n      Reason:\s+OOMKilled\n      Exit Code:\s+137$", describe);
        Assert.Matches(@"(?m)^    Limits:\n      memory:\s+2Ki$", describe);
        Assert.Contains("stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd", Edgectl.Run("logs", "memory-demo-2").Out);

        // Within its 4Ki limit the same program runs on, never restarted.
        WaitFor(() => (string?)Pod("memory-demo")["status"]!["phase"] == "Running", "memory-demo Running");
        Assert.Equal(0, (int?)Container(Pod("memory-demo"))!["restartCount"]);
        Assert.True(Container(Pod("memory-demo"))!["state"]!["running"] != null);

        // The neighbours answer while it crash-loops: every replica of web, through the Service.
        WaitFor(() => Get("endpoints", "web")["subsets"]?[0]?["addresses"]?.AsArray().Count == 3, "web's three endpoints");
        var answered = new HashSet<string>();
        for (int i = 0; i < 12; i++)
        {
            CliRun wget = Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web");
            Assert.True(wget.ExitCode == 0, wget.Err);
            answered.Add(wget.Out.Split('\n').First(l => l.StartsWith("Hostname: ", StringComparison.Ordinal)));
        }

        Assert.True(answered.Count >= 2, string.Join(", ", answered));
        Assert.Equal(0, (int?)Container(Pod("memory-demo"))!["restartCount"]);
    }
}
