using System.Text.Json.Nodes;
using Edge.Cli.Tests.Lab;

namespace Edge.Cli.Tests.Policy;

/// <summary>
/// `edgectl policy check` beside real connections on two virtual boards, through the
/// workshop's policy exercise (examples/policy/): at every step the check's verdict for the
/// client reaching the web Service (and the cluster DNS) is what `nc` and `nslookup` from the
/// client pod find. The lab's addresses: 127.0.10.201-202.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class PolicyCheckEndToEndTests() : LabTest("polcheck")
{

    /// <summary>`nc -z -w 2 web 80` from the client, connecting: the boards' answer.</summary>
    private bool Connects() => Edgectl.Run("exec", "client", "--", "nc", "-z", "-w", "2", "web", "80").ExitCode == 0;

    private bool Resolves() => Edgectl.Run("exec", "client", "--", "nslookup", "web").ExitCode == 0;

    /// <summary>The check's answer, its exit code agreeing with its first line.</summary>
    private (bool Allowed, string Text) Check(params string[] args)
    {
        CliRun run = Edgectl.Run(["policy", "check", .. args]);
        Assert.True(run.Err.Length == 0, run.Err);
        Assert.Equal(run.ExitCode == 0 ? "allowed" : "denied", run.Out.Split('\n')[0]);
        return (run.ExitCode == 0, run.Out);
    }

    [Fact]
    public void The_check_says_what_connections_from_the_client_find_at_every_step_of_the_exercise()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "2", "--first-address", "127.0.10.201");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Apply("examples/web.yaml");
        Apply("examples/client.yaml");
        WaitFor(() => (string?)Get("pod", "client")["status"]!["phase"] == "Running", "client Running");
        WaitFor(() => (Get("endpoints", "web")["subsets"]?[0]?["addresses"] as JsonArray)?.Count == 3, "three web endpoints");

        Assert.True(Check("client", "svc/web", "--port", "80").Allowed);
        WaitFor(Connects, "web open before any policy");

        Apply("examples/policy/default-deny-ingress.yaml");
        (bool allowed, string text) = Check("client", "svc/web", "--port", "80");
        Assert.False(allowed);
        Assert.Contains("3 ready endpoints, 0 allowed", text);
        Assert.Matches(@"(?m)^  ingress default/web-\S+\s+denied: isolated by default/default-deny-ingress, no rule allows 10\.244\.\d+\.\d+ to TCP 80$", text);
        WaitFor(() => !Connects(), "web closed by default-deny-ingress", 30);

        Apply("examples/policy/allow-client-to-web.yaml");
        (allowed, text) = Check("client", "svc/web", "--port", "80");
        Assert.True(allowed, text);
        Assert.Equal(3, text.Split("allowed by default/allow-client-to-web rule 1 (ingress[0])").Length - 1);
        WaitFor(Connects, "web open to the client", 30);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(Connects()); // whichever endpoint the Service picks, on whichever board
        }

        Apply("examples/policy/client-egress-to-web.yaml");
        (allowed, text) = Check("client", "10.96.0.10", "--port", "53/udp");
        Assert.False(allowed);
        Assert.Contains("denied: isolated by default/client-egress-to-web, no rule allows UDP 53 to 10.96.0.10", text);
        Assert.True(Check("client", "svc/web", "--port", "80").Allowed);
        WaitFor(() => !Resolves(), "DNS broken by egress isolation", 30);

        Apply("examples/policy/allow-dns.yaml");
        (allowed, text) = Check("client", "10.96.0.10", "--port", "53/udp");
        Assert.True(allowed, text);
        Assert.Contains("egress  default/client  allowed by default/allow-dns rule 1 (egress[0])", text);
        WaitFor(Resolves, "DNS allowed again", 30);
        Assert.True(Connects());

        CliRun describe = Edgectl.Run("describe", "netpol", "allow-dns");
        Assert.Contains("  Not affecting ingress traffic\n  Allowing egress traffic:\n    To Port: 53/UDP\n    To Port: 53/TCP\n    To:\n      NamespaceSelector: kubernetes.io/metadata.name=kube-system\n      PodSelector: k8s-app=kube-dns\n  Policy Types: Egress\n",
            describe.Out);
    }
}
