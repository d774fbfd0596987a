using System.Text.Json.Nodes;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// `edgectl flows` on a three-board lab (issue 18): a client's requests through a Service show
/// as the client board's picks, each DNAT to a web pod with its position among the endpoints,
/// and the first replies translated back, and its DNS questions with their answers; once a default-deny policy isolates the web pods, the
/// next request shows as DROPPED by that policy, by name, on the board that enforced it.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class FlowsEndToEndTests() : LabTest("flows")
{
    private JsonNode Pod(string name) => Get("pod", name);

    [Fact]
    public void Flows_show_each_service_pick_with_its_endpoint_and_a_policy_drop_by_the_policys_name()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", "127.0.10.188");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Apply("examples/web.yaml");
        Apply("examples/client.yaml");
        WaitFor(() => (string?)Pod("client")["status"]!["phase"] == "Running", "client Running");
        WaitFor(() => Get("endpoints", "web")["subsets"]?[0]?["addresses"]?.AsArray().Count == 3, "web's three endpoints");
        string client = (string)Pod("client")["spec"]!["nodeName"]!;
        string clientIp = (string)Pod("client")["status"]!["podIP"]!;
        string clusterIp = (string)Get("service", "web")["spec"]!["clusterIP"]!;

        for (int i = 0; i < 3; i++)
        {
            CliRun wget = Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web");
            Assert.True(wget.ExitCode == 0, wget.Err);
        }

        // The client's board picked an endpoint for each connection, and saw each first reply.
        CliRun flows = Edgectl.Run("flows", client, "--for-service", "web");
        Assert.True(flows.ExitCode == 0, flows.Err);
        string[] picks = flows.Out.Split('\n').Where(l => l.Contains(" service default/web:http: DNAT to default/web-", StringComparison.Ordinal)).ToArray();
        Assert.True(picks.Length >= 3, flows.Out);
        Assert.All(picks, l => Assert.Matches($@"^\w+ +\d+ [\d:.]+ {client}: default/client:\d+ -> default/web:80 FORWARDED TCP service default/web:http: DNAT to default/web-[\w-]+:80, pick \d of 3$", l));
        Assert.Contains(flows.Out.Split('\n'), l => l.Contains("FORWARDED TCP reply: un-DNAT from default/web:80", StringComparison.Ordinal));

        // The client's DNS questions, answered by its own board (node-local DNS), with the address each got.
        CliRun dns = Edgectl.Run("flows", "client");
        Assert.Matches($@"(?m): default/client:\d+ -> \S+:53 FORWARDED UDP DNS A web\.default\.svc\.cluster\.local\.: {System.Text.RegularExpressions.Regex.Escape(clusterIp)}$", dns.Out);

        // JSON, a flow a line, with the addresses behind the names.
        CliRun json = Edgectl.Run("flows", client, "--for-service", "web", "-o", "json");
        JsonNode first = JsonNode.Parse(json.Out.Split('\n')[0])!;
        Assert.Equal(("service", "FORWARDED", clientIp, clusterIp), ((string?)first["type"], (string?)first["verdict"], (string?)first["source"]!["ip"], (string?)first["destination"]!["ip"]));

        // A default-deny: the web pods' boards drop the next connection, and say which policy did.
        Apply("examples/policy/default-deny-ingress.yaml");
        WaitFor(() => Edgectl.Run("exec", "client", "--", "nc", "-z", "-w", "1", "web", "80").ExitCode != 0, "the policy in force");
        WaitFor(() => Edgectl.Run("flows", "client", "--verdict", "dropped").Out.Contains("policy default/default-deny-ingress denied it (ingress: no rule allows it)", StringComparison.Ordinal),
            "a DROPPED flow naming the policy");
        string dropped = Edgectl.Run("flows", "client", "--verdict", "dropped").Out;
        Assert.DoesNotContain("FORWARDED", dropped);
        Assert.Matches(@$"(?m): default/client:\d+ -> default/web-[\w-]+:80 DROPPED TCP policy default/default-deny-ingress denied it", dropped);

        // A policy letting the client in: the next connection FORWARDED, by that policy's name.
        Apply("examples/policy/allow-client-to-web.yaml");
        WaitFor(() => Edgectl.Run("exec", "client", "--", "nc", "-z", "-w", "1", "web", "80").ExitCode == 0, "the client let in");
        Assert.Matches(@"(?m): default/client:\d+ -> default/web-[\w-]+:80 FORWARDED TCP policy default/allow-client-to-web allowed it \(ingress, rule \d+\)$",
            Edgectl.Run("flows", "client", "--verdict", "forwarded").Out);
    }
}
