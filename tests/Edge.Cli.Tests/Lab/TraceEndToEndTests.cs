using System.Text.Json.Nodes;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// `edgectl trace` on a three-board lab (issue 18): a SYN from the client pod to the web
/// Service, hop by hop through the client board's bridge, kube-proxy's pick and VXLAN, to the
/// endpoint's board and pod, and the SYN-ACK back un-DNATed; the hops agree with what the
/// packet really did (the endpoint picked is on the board the VXLAN hop went to, and the
/// client's board remembers that connection). A ping, a trace following the pod's own next
/// connection, a default-deny policy's drop by name, and a name that is nothing, as the
/// workshop would meet them.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class TraceEndToEndTests() : LabTest("trace")
{
    private JsonNode Pod(string name) => Get("pod", name);

    [Fact]
    public void A_trace_shows_each_hop_of_a_connection_through_a_Service_across_boards_and_its_drop_by_a_policy()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", "127.0.10.178");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Apply("examples/web.yaml");
        Apply("examples/client.yaml");
        WaitFor(() => (string?)Pod("client")["status"]!["phase"] == "Running", "client Running");
        WaitFor(() => Get("endpoints", "web")["subsets"]?[0]?["addresses"]?.AsArray().Count == 3, "web's three endpoints");
        string clientNode = (string)Pod("client")["spec"]!["nodeName"]!;

        // The pick is kube-proxy's (random among three): trace until one crosses to another board.
        CliRun trace = null!;
        string? picked = null;
        WaitFor(() =>
        {
            trace = Edgectl.Run("trace", "client", "svc/web", "--port", "80");
            Assert.True(trace.ExitCode == 0, trace.Out + trace.Err);
            picked = System.Text.RegularExpressions.Regex.Match(trace.Out, @"DNAT to default/(web-[\w-]+):80 for service default/web:http: endpoint \d of 3 picked").Groups[1].Value;
            return picked.Length > 0 && (string?)Pod(picked)["spec"]!["nodeName"] != clientNode;
        }, "a trace whose pick is on another board");
        string endpointNode = (string)Pod(picked!)["spec"]!["nodeName"]!;
        string endpointIp = (string)Pod(picked!)["status"]!["podIP"]!;
        string output = trace.Out;

        // In order: the client's bridge, kube-proxy and routing, VXLAN out; the endpoint's board
        // takes it from VXLAN to its pod; the SYN-ACK comes back and is un-DNATed on the client's board.
        string[] expected =
        [
            $"  1  {clientNode,-10} cni0                 in on port ",
            "(default/client (",
            $"  2  {clientNode,-10} kube-proxy, routing  kube-proxy: DNAT to default/{picked}:80",
            $"routed to node/{endpointNode} (",
            $"  3  {clientNode,-10} vxlan                encapsulated in VXLAN (VNI 1) to node/{endpointNode}",
            $"  4  {endpointNode,-10} vxlan                decapsulated: VXLAN (VNI 1) from node/{clientNode}",
            $"  6  {endpointNode,-10} cni0                 in on port 0 (the node's gateway), out on port",
            $": delivered to default/{picked} ({endpointIp})'s eth0",
            "REPLY",
            "kube-proxy: un-DNAT, the answer comes from svc/default/web:80 as the client called it",
            $"delivered to default/client (",
            $"DELIVERED on {endpointNode} and answered: 12 hops",
        ];
        int at = 0;
        foreach (string line in expected)
        {
            int found = output.IndexOf(line, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"\"{line}\" after position {at} in:\n{output}");
            at = found + line.Length;
        }

        // Headers at each hop, decoded: the SYN to the Service's address, then DNATed to the endpoint.
        Assert.Matches(@"IPv4 10\.244\.\d+\.\d+ > 10\.96\.\d+\.\d+, TCP, ttl 64, id \d+", output);
        Assert.Contains($"> {endpointIp}, TCP, ttl 63", output, StringComparison.Ordinal);
        Assert.Matches(@"TCP 80 > \d+ \[S\.\]", output);

        // What the packet really did: the client's board remembers the connection to that endpoint.
        string sourcePort = System.Text.RegularExpressions.Regex.Match(output, @"TCP (\d+) > 80 \[S\]").Groups[1].Value;
        CliRun conntrack = Edgectl.Run("conntrack", clientNode);
        Assert.Contains($"src={endpointIp} dst=", conntrack.Out, StringComparison.Ordinal);
        Assert.Contains($"dport={sourcePort} ", conntrack.Out, StringComparison.Ordinal);

        // The same trace as JSON: the request's hops and the reply's, each with its frame.
        CliRun json = Edgectl.Run("trace", "client", picked!, "-o", "json");
        Assert.True(json.ExitCode == 0, json.Err);
        JsonNode result = JsonNode.Parse(json.Out)!;
        Assert.Equal("ICMP", (string?)result["protocol"]);
        Assert.True((bool)result["complete"]!);
        Assert.Equal(6, result["request"]!.AsArray().Count);
        Assert.Equal(6, result["reply"]!.AsArray().Count);
        Assert.Equal(endpointNode, (string?)result["request"]![5]!["node"]);

        // Following the pod's own next connection: a wget through the Service, traced as it went.
        using (RunningTool following = Edgectl.Start("trace", "client", "svc/web", "--port", "80", "--follow", "--timeout", "60"))
        {
            WaitFor(() => Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web").ExitCode == 0 && following.HasExited, "the followed trace ending");
            Assert.True(following.ExitCode == 0, following.StdOut + following.StdErr);
            Assert.Contains("kube-proxy: DNAT to default/web-", following.StdOut, StringComparison.Ordinal);
            Assert.Contains(" and answered: ", following.StdOut, StringComparison.Ordinal);
        }

        // A default-deny on the web pods: the trace ends where the endpoint's board dropped it, saying which policy.
        Apply("examples/policy/default-deny-ingress.yaml");
        WaitFor(() => Edgectl.Run("exec", "client", "--", "nc", "-z", "-w", "1", "web", "80").ExitCode != 0, "the policy in force");
        CliRun denied = Edgectl.Run("trace", "client", picked!, "--port", "80");
        Assert.True(denied.ExitCode == 0, denied.Out + denied.Err);
        Assert.Contains("DROPPED: policy-denied (a NetworkPolicy isolates the pod and no rule allows this", denied.Out, StringComparison.Ordinal);
        Assert.Contains("network policy: denied by default/default-deny-ingress (ingress)", denied.Out, StringComparison.Ordinal);
        Assert.Contains($"DROPPED on {endpointNode}: policy-denied", denied.Out, StringComparison.Ordinal);

        // A name that is nothing: an error that says what a trace takes.
        CliRun nothing = Edgectl.Run("trace", "client", "nosuch", "--port", "80");
        Assert.NotEqual(0, nothing.ExitCode);
        Assert.StartsWith("error: nosuch is no pod or Service in namespace default, no node and no IPv4 address", nothing.Err, StringComparison.Ordinal);
    }
}
