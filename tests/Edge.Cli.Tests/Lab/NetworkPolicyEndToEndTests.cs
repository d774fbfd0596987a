using System.Text.Json.Nodes;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// The workshop's network policy exercise (hardware-docs/workshop.md, 7), as an attendee types
/// it, on three virtual boards: default deny, one path opened, DNS broken by egress isolation
/// and fixed, the policies deleted. Every check is a real connection from the client pod.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class NetworkPolicyEndToEndTests() : LabTest("netpol")
{

    /// <summary>`nc -z -w 2 web 80` from the client: the run (exit code 0 when it connected).</summary>
    private CliRun Nc() => Edgectl.Run("exec", "client", "--", "nc", "-z", "-w", "2", "web", "80");

    [Fact]
    public void The_policy_exercise_runs_as_the_workshop_track_says()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", "127.0.10.211");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Apply("examples/web.yaml");
        Apply("examples/client.yaml");
        WaitFor(() => (string?)Get("pod", "client")["status"]!["phase"] == "Running", "client Running");
        WaitFor(() => (Get("endpoints", "web")["subsets"]?[0]?["addresses"] as JsonArray)?.Count == 3, "three web endpoints");
        WaitFor(() => Nc().ExitCode == 0, "web open before any policy");
        Assert.Equal("kube-system", (string?)Get("namespace", "kube-system")["metadata"]!["labels"]!["kubernetes.io/metadata.name"]);

        Apply("examples/policy/default-deny-ingress.yaml");
        WaitFor(() => Nc().ExitCode == 1, "web closed by default-deny-ingress", 30);
        CliRun closed = Nc();
        Assert.Equal(1, closed.ExitCode);

        Apply("examples/policy/allow-client-to-web.yaml");
        WaitFor(() => Nc().ExitCode == 0, "web open to the client", 30);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(0, Nc().ExitCode); // whichever web pod the Service picks, on whichever board
        }

        // Each board shows the policies of its own pods as a policy engine's chains, with their names and counters.
        string tables = string.Concat(new[] { "node-1", "node-2", "node-3" }.Select(n => Edgectl.Run("tables", n, "--mode", "policy").Out));
        Assert.Contains("-j EDGE-POD-IN-0af4", tables);
        Assert.Matches(@"-m comment --comment ""default/allow-client-to-web ingress rule 0: [1-9]\d* connections"" -j RETURN", tables);
        Assert.Contains("isolated for ingress: nothing allowed it\" -j DROP", tables);
        Assert.Contains("# default/default-deny-ingress: ", tables);

        Apply("examples/policy/client-egress-to-web.yaml");
        WaitFor(() => Nc().Err.Contains("bad address 'web'"), "DNS broken by egress isolation", 30);
        CliRun nslookup = Edgectl.Run("exec", "client", "--", "nslookup", "web");
        Assert.NotEqual(0, nslookup.ExitCode);

        Apply("examples/policy/allow-dns.yaml");
        WaitFor(() => Nc().ExitCode == 0, "DNS allowed again", 30);
        Assert.Equal(0, Edgectl.Run("exec", "client", "--", "nslookup", "web").ExitCode);

        CliRun get = Edgectl.Run("get", "networkpolicies");
        Assert.Matches(@"(?m)^allow-client-to-web\s+app=web\s+", get.Out);

        CliRun delete = Edgectl.Run("delete", "-f", "examples/policy/");
        Assert.True(delete.ExitCode == 0, delete.Out + delete.Err);
        WaitFor(() => Nc().ExitCode == 0, "web open once the policies are gone", 30);
    }
}
