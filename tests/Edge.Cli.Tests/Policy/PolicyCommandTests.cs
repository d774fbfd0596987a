using System.Net;
using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Objects;

namespace Edge.Cli.Tests.Policy;

/// <summary>
/// `edgectl policy check` and `edgectl describe networkpolicy` as typed, against a control
/// plane's API in this process (no boards: the objects of <see cref="PolicyTestCluster"/> are
/// stored as the controllers would have left them): the words, the exit codes, the errors.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class PolicyCommandTests() : PolicyTestApi("policy")
{
    private Task<CliRun> EdgectlAsync(params string[] args) => CliRun.OfAsync([.. args, "--server", Api.Address.ToString()]);

    [Fact]
    public async Task Check_prints_the_verdict_then_each_side_and_exits_0_when_allowed_1_when_denied()
    {
        CliRun allowed = await EdgectlAsync("policy", "check", "a", "b", "--port", "8080", "-n", "x");
        CliRun denied = await EdgectlAsync("policy", "check", "x/a", "x/b", "--port", "80/tcp");

        Assert.Equal((0, ""), (allowed.ExitCode, allowed.Err));
        Assert.Equal("""
            allowed
            egress  x/a  allowed by x/both rule 2 (egress[0])
            ingress x/b  allowed by x/allow-from-a rule 1 (ingress[0])

            """, allowed.Out);
        Assert.Equal((1, ""), (denied.ExitCode, denied.Err));
        Assert.StartsWith("denied\n", denied.Out);
    }

    [Fact]
    public async Task Check_with_o_json_prints_the_same_facts()
    {
        CliRun run = await EdgectlAsync("policy", "check", "c", "svc/web", "--port", "80", "-n", "x", "-o", "json");

        Assert.Equal(1, run.ExitCode);
        JsonNode json = JsonNode.Parse(run.Out)!;
        Assert.False((bool)json["allowed"]!);
        Assert.Equal("10.96.0.20", (string?)json["service"]!["clusterIP"]);
        Assert.Equal([true, false], json["connections"]!.AsArray().Select(c => (bool)c!["allowed"]!));
        Assert.Equal("x/zone-one-from-c", (string?)json["connections"]![0]!["ingress"]!["policy"]);
    }

    [Theory]
    [InlineData("error: pods \"nope\" not found in namespace x\n", "policy", "check", "nope", "b", "--port", "80", "-n", "x")]
    [InlineData("error: --port is required: the destination port, e.g. --port 80, --port 8080/tcp or --port 53/udp\n", "policy", "check", "a", "b", "-n", "x")]
    [InlineData("error: --port \"80/icmp\": the protocol must be tcp or udp (the boards carry no SCTP), e.g. --port 80, --port 8080/tcp or --port 53/udp\n", "policy", "check", "a", "b", "--port", "80/icmp")]
    public async Task Check_errors_are_one_line_on_stderr_with_exit_1_and_nothing_on_stdout(string error, params string[] args)
    {
        CliRun run = await EdgectlAsync(args);

        Assert.Equal((1, "", error), (run.ExitCode, run.Out, run.Err));
    }

    [Fact]
    public async Task Check_refuses_an_output_format_it_does_not_have()
    {
        CliRun run = await EdgectlAsync("policy", "check", "a", "b", "--port", "80", "-o", "yaml");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("allowed formats are: json", run.Err);
    }

    [Fact]
    public async Task Describe_networkpolicy_and_netpol_read_as_kubectl_words_them()
    {
        string created = KubeTime.Parse((string?)Store.Get("NetworkPolicy", "x", "allow-from-a")!.Metadata["creationTimestamp"])!.Value
            .ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        CliRun run = await EdgectlAsync("describe", "networkpolicy", "allow-from-a", "-n", "x");

        Assert.Equal((0, ""), (run.ExitCode, run.Err));
        Assert.Equal($"""
            Name:         allow-from-a
            Namespace:    x
            Created on:   {created} +0000 UTC
            Labels:       <none>
            Annotations:  <none>
            Spec:
              PodSelector:     app=b
              Allowing ingress traffic:
                To Port: 8080/TCP
                From:
                  PodSelector: app=a
              Not affecting egress traffic
              Policy Types: Ingress

            """, run.Out);
        Assert.Equal(run.Out, (await EdgectlAsync("describe", "netpol/allow-from-a", "-n", "x")).Out);

        // Every policy of the namespace, two blank lines apart, as kubectl separates them.
        string all = (await EdgectlAsync("describe", "netpol", "-n", "x")).Out;
        Assert.Equal(5, all.Split("Name:", StringSplitOptions.None).Length - 1);
        Assert.Contains("Policy Types: Ingress\n\n\nName:         both\n", all);
    }
}
