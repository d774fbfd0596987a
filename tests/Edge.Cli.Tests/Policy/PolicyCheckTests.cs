using System.Text.Json.Nodes;
using Edge.Cli.Commands.Policy;
using Edge.Dataplane.Net;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Wire;
using Edge.Host.Compile;
using Edge.Host.Objects;

namespace Edge.Cli.Tests.Policy;

/// <summary>
/// `policy check`'s verdicts and words over <see cref="PolicyTestCluster"/>: the expected output
/// as the text an attendee reads, and every verdict held against the boards' own engine.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class PolicyCheckTests
{
    private static readonly PolicyCluster Cluster = PolicyTestCluster.Cluster();

    private static PolicyCheckResult Check(string from, string to, string port, string ns = "x") =>
        new PolicyCheck(Cluster).Check(PeerArgument.Parse(from, ns, "FROM"), PeerArgument.Parse(to, ns, "TO"), PortArgument.Parse(port));

    private static string Text(string from, string to, string port, string ns = "x")
    {
        var o = new StringWriter { NewLine = "\n" };
        PolicyCheckPrinter.WriteText(o, Check(from, to, port, ns));
        return o.ToString();
    }

    private static string Error(string from, string to, string port) => Assert.Throws<CliException>(() => Check(from, to, port)).Message;

    [Fact]
    public void An_allowing_rule_on_each_side_is_named_with_its_place_in_the_spec()
    {
        Assert.Equal("""
            allowed
            egress  x/a  allowed by x/both rule 2 (egress[0])
            ingress x/b  allowed by x/allow-from-a rule 1 (ingress[0])

            """, Text("a", "b", "8080"));
    }

    [Fact]
    public void A_port_no_rule_allows_is_denied_and_the_line_names_what_isolates_the_pod()
    {
        Assert.Equal("""
            denied
            egress  x/a  allowed by x/both rule 2 (egress[0])
            ingress x/b  denied: isolated by x/allow-from-a, no rule allows 10.244.1.2 to TCP 80

            """, Text("a", "b", "80"));
        Assert.Equal("""
            denied
            egress  x/web-1  (not isolated: no policy selects it for egress)
            ingress x/c      denied: isolated by x/default-deny-ingress, no rule allows 10.244.1.4 to TCP 80

            """, Text("x/web-1", "c", "80/tcp"));
    }

    [Fact]
    public void A_rule_the_compiler_leaves_out_does_not_shift_the_spec_index()
    {
        // web-from-a's ingress[0] selects no pod, so the board holds one rule: ingress[1].
        Assert.Equal("""
            allowed
            egress  x/a      allowed by x/both rule 2 (egress[0])
            ingress x/web-2  allowed by x/web-from-a rule 1 (ingress[1])

            """, Text("a", "web-2", "8080"));
    }

    [Fact]
    public void Egress_isolation_is_asked_on_the_sources_board_for_any_destination()
    {
        Assert.Equal("""
            denied
            egress  x/a        denied: isolated by x/both, no rule allows TCP 443 to 192.0.2.7
            ingress 192.0.2.7  (not a pod: outside the cluster; no ingress policy applies)

            """, Text("a", "192.0.2.7", "443"));

        // The cluster DNS address stands for CoreDNS in kube-system, which y's policy allows over UDP only.
        Assert.Equal("""
            allowed
            egress  y/d         allowed by y/egress-dns-only rule 1 (egress[0])
            ingress 10.96.0.10  (not a pod: the cluster DNS address, answered by the pod's own board; no ingress policy applies)

            """, Text("d", "10.96.0.10", "53/udp", ns: "y"));
        Assert.StartsWith("""
            denied
            egress  y/d         denied: isolated by y/egress-dns-only, no rule allows TCP 53 to 10.96.0.10
            """, Text("y/d", "10.96.0.10", "53"));
    }

    [Fact]
    public void Traffic_from_the_pods_own_node_is_always_allowed_in_and_from_another_node_is_not()
    {
        Assert.Equal("""
            allowed
            egress  10.244.1.1  (not a pod: node-1's gateway; no egress policy applies)
            ingress x/c         allowed: from its own node (10.244.1.1, node-1's gateway), which is always allowed

            """, Text("10.244.1.1", "c", "80"));
        Assert.True(Check("10.244.1.0", "c", "80").Allowed); // the VTEP, as the engine counts it too
        Assert.Equal("""
            denied
            egress  10.244.2.1  (not a pod: node-2's gateway; no egress policy applies)
            ingress x/c         denied: isolated by x/default-deny-ingress, no rule allows 10.244.2.1 to TCP 80

            """, Text("10.244.2.1", "c", "80"));
    }

    [Fact]
    public void An_address_a_pod_holds_is_that_pod_and_one_to_itself_never_leaves_it()
    {
        Assert.Equal(Text("a", "b", "8080"), Text("10.244.1.2", "10.244.2.2", "8080"));
        Assert.Equal("""
            allowed
            egress  x/c  (to itself: the traffic never leaves the pod)
            ingress x/c  (to itself: the traffic never leaves the pod)

            """, Text("c", "c", "80"));
    }

    [Fact]
    public void A_service_is_checked_after_DNAT_once_per_ready_endpoint_on_its_port()
    {
        Assert.Equal("""
            denied
            service x/web 10.96.0.20:80/TCP: 2 ready endpoints, 1 allowed; each connection goes to one of them
            endpoint x/web-1 10.244.1.4:8080/TCP: allowed
              egress  x/c      (not isolated: no policy selects it for egress)
              ingress x/web-1  allowed by x/zone-one-from-c rule 1 (ingress[0])
            endpoint x/web-2 10.244.2.4:8080/TCP: denied
              egress  x/c      (not isolated: no policy selects it for egress)
              ingress x/web-2  denied: isolated by x/web-from-a, no rule allows 10.244.1.3 to TCP 8080

            """, Text("c", "svc/web", "80"));

        // By ClusterIP alike; a is allowed by every endpoint.
        PolicyCheckResult byIp = Check("a", "10.96.0.20", "80");
        Assert.True(byIp.Allowed);
        Assert.Equal(["x/web-1", "x/web-2"], byIp.Connections.Select(c => c.To.Label));
        Assert.All(byIp.Connections, c => Assert.Equal("x/web-from-a rule 1 (ingress[1])", $"{c.Ingress.Policy} {PolicyCheckPrinter.Rule(c.Ingress.Rule!)}"));
    }

    [Fact]
    public void A_pod_reaching_itself_through_its_service_is_masqueraded_so_its_own_ingress_takes_it()
    {
        string text = Text("web-1", "svc/web", "80");
        Assert.Contains("""
            endpoint x/web-1 10.244.1.4:8080/TCP: allowed
              egress  x/web-1  (not asked: through its own Service it leaves as its node's gateway, kube-proxy's hairpin masquerade)
              ingress x/web-1  allowed: from its own node (10.244.1.1, node-1's gateway), which is always allowed
            """, text);
    }

    [Fact]
    public void Json_carries_the_same_facts()
    {
        JsonObject json = PolicyCheckPrinter.ToJson(Check("a", "b", "80"));

        Assert.False((bool)json["allowed"]!);
        Assert.Equal("""{"ip":"10.244.1.2","pod":{"namespace":"x","name":"a","node":"node-1"}}""", json["from"]!.ToJsonString());
        Assert.Equal(("TCP", 80), ((string)json["protocol"]!, (int)json["port"]!));
        JsonNode connection = json["connections"]![0]!;
        Assert.Equal("""{"allowed":true,"outcome":"allowedByRule","subject":"x/a","peer":"10.244.2.2","reason":"allowed by x/both rule 2 (egress[0])","policy":"x/both","rule":{"number":2,"field":"egress","index":0}}""",
            connection["egress"]!.ToJsonString());
        Assert.Equal("""{"allowed":false,"outcome":"denied","subject":"x/b","peer":"10.244.1.2","reason":"denied: isolated by x/allow-from-a, no rule allows 10.244.1.2 to TCP 80","isolatedBy":["x/allow-from-a"]}""",
            connection["ingress"]!.ToJsonString());
    }

    [Fact]
    public void What_cannot_be_checked_is_an_error_that_says_what_to_give_instead()
    {
        Assert.Equal("pods \"nope\" not found in namespace x", Error("nope", "b", "80"));
        Assert.StartsWith("pod x/pending has no IP yet (Pending)", Error("a", "pending", "80"));
        Assert.Equal("services \"nope\" not found in namespace x", Error("a", "svc/nope", "80"));
        Assert.StartsWith("service x/web has no port 8080/TCP (it has 80/TCP); --port is the Service's port", Error("a", "svc/web", "8080"));
        Assert.StartsWith("FROM 192.0.2.7 is not a pod: a connection from outside the pods to a Service is masqueraded", Error("192.0.2.7", "svc/web", "80"));
        Assert.StartsWith("FROM svc/web: a Service sends nothing, its pods do", Error("svc/web", "b", "80"));
    }

    [Theory]
    [InlineData("web", PeerKind.Pod, "x", "web")]
    [InlineData("shop/web", PeerKind.Pod, "shop", "web")]
    [InlineData("pod/web", PeerKind.Pod, "x", "web")]
    [InlineData("po/web", PeerKind.Pod, "x", "web")]
    [InlineData("svc/web", PeerKind.Service, "x", "web")]
    [InlineData("services/web", PeerKind.Service, "x", "web")]
    [InlineData("1web", PeerKind.Pod, "x", "1web")]
    public void Peers_are_pods_services_or_addresses(string text, PeerKind kind, string ns, string name)
    {
        PeerArgument peer = PeerArgument.Parse(text, "x", "TO");
        Assert.Equal((kind, ns, name), (peer.Kind, peer.Namespace, peer.Name));
        Assert.Equal((PeerKind.Address, 0x0AF40102u), (PeerArgument.Parse("10.244.1.2", "x", "TO").Kind, PeerArgument.Parse("10.244.1.2", "x", "TO").Address));
    }

    [Theory]
    [InlineData("10.244.1", "TO \"10.244.1\" is not an IPv4 address")]
    [InlineData("deploy/web", "TO \"deploy/web\": policy check takes pods, services and IPv4 addresses, not deployments")]
    [InlineData("a/b/c", "TO \"a/b/c\": give a pod as NAME or NS/NAME")]
    public void A_peer_that_cannot_be_read_says_what_to_write(string text, string message) =>
        Assert.StartsWith(message, Assert.Throws<CliException>(() => PeerArgument.Parse(text, "x", "TO")).Message);

    [Theory]
    [InlineData("80", 80, IpProtocol.Tcp)]
    [InlineData("8080/tcp", 8080, IpProtocol.Tcp)]
    [InlineData("53/UDP", 53, IpProtocol.Udp)]
    public void Ports_are_tcp_unless_told(string text, int port, byte protocol) =>
        Assert.Equal(new PortArgument((ushort)port, protocol), PortArgument.Parse(text));

    [Theory]
    [InlineData(null, "--port is required")]
    [InlineData("0", "--port \"0\": the port must be a number from 1 to 65535")]
    [InlineData("70000", "--port \"70000\": the port must be a number from 1 to 65535")]
    [InlineData("http", "--port \"http\": the port must be a number")]
    [InlineData("80/sctp", "--port \"80/sctp\": the protocol must be tcp or udp")]
    [InlineData("80/tcp/x", "--port \"80/tcp/x\": give PORT or PORT/PROTOCOL")]
    public void A_bad_port_says_what_a_good_one_looks_like(string? text, string message) =>
        Assert.StartsWith(message, Assert.Throws<CliException>(() => PortArgument.Parse(text)).Message);

    /// <summary>
    /// The point of the command: its verdict is the boards'. Every pair of running pods (and the
    /// DNS address, a node's gateway, an outside address) on a few ports, checked here and then
    /// sent as a first packet through the PolicyEngine of each board on its way, loaded with the
    /// set the control plane compiles for that board.
    /// </summary>
    [Fact]
    public void Every_verdict_is_what_the_boards_engines_decide_for_the_first_packet()
    {
        var pods = Cluster.Pods.Where(p => BoardStateCompiler.PodAddress(p) != 0).ToList();
        var sources = pods.Select(p => Ipv4Address.Format(BoardStateCompiler.PodAddress(p))).Concat(["10.244.1.1", "10.244.2.1", "192.0.2.7"]).ToList();
        var destinations = pods.Select(p => Ipv4Address.Format(BoardStateCompiler.PodAddress(p))).Concat(["10.96.0.10", "192.0.2.7"]).ToList();
        int compared = 0;
        foreach (string from in sources)
        {
            foreach (string to in destinations)
            {
                foreach (string port in new[] { "80", "8080", "53/udp", "53" })
                {
                    if (from == to || (from.StartsWith("10.244.", StringComparison.Ordinal) && from.EndsWith(".1", StringComparison.Ordinal) && !to.StartsWith("10.244.", StringComparison.Ordinal)))
                    {
                        continue; // a pod to itself, or a node to somewhere else: no board's forward hook sees it
                    }

                    bool check = Check(from, to, port).Allowed;
                    Assert.True(check == Engines(from, to, PortArgument.Parse(port)), $"{from} -> {to} {port}: check says {(check ? "allowed" : "denied")}, the engines disagree");
                    compared++;
                }
            }
        }

        Assert.True(compared > 150, $"only {compared} cases compared");
    }

    /// <summary>The first packet through the engine of the source pod's board, then of the destination pod's board.</summary>
    private static bool Engines(string from, string to, PortArgument port)
    {
        Assert.True(Ipv4Address.TryParse(from, out uint source));
        Assert.True(Ipv4Address.TryParse(to, out uint destination));
        var boards = new[] { source, destination }
            .Select(a => (string?)Cluster.Pods.FirstOrDefault(p => BoardStateCompiler.PodAddress(p) == a)?.Spec?["nodeName"])
            .Concat([from.EndsWith(".1", StringComparison.Ordinal) && from.StartsWith("10.244.", StringComparison.Ordinal) ? (from == "10.244.1.1" ? "node-1" : "node-2") : null])
            .OfType<string>()
            .Distinct();
        byte[] packet = FirstPacket(source, destination, port);
        foreach (string node in boards)
        {
            uint network = Ipv4Address.TryParseCidr((string)Cluster.Nodes.Single(n => n.Name == node).Spec!["podCIDR"]!, out uint n, out _) ? n : 0;
            var engine = new PolicyEngine(connections: 16, pods: 16, gatewayAddress: network + 1, vtepAddress: network);
            engine.Load(NetworkPolicyCompiler.Compile(node, Cluster.Pods, Cluster.Namespaces, Cluster.NetworkPolicies, Cluster.DnsAddress));
            if (engine.Forward(packet, 0, packet.Length, 0, 0, 0, now: 0) == HookVerdict.Drop)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An IPv4 packet with a TCP SYN (or a UDP datagram) at RFC 791/793/768's offsets; checksums are not the hook's business.</summary>
    private static byte[] FirstPacket(uint source, uint destination, PortArgument port)
    {
        int l4 = port.Protocol == IpProtocol.Tcp ? 20 : 8;
        byte[] b = new byte[20 + l4];
        b[0] = 0x45;
        b[2] = 0;
        b[3] = (byte)b.Length;
        b[8] = 64;
        b[9] = port.Protocol;
        NetworkOrder.WriteU32(b, 12, source);
        NetworkOrder.WriteU32(b, 16, destination);
        NetworkOrder.WriteU16(b, 20, 40000);
        NetworkOrder.WriteU16(b, 22, port.Port);
        if (port.Protocol == IpProtocol.Tcp)
        {
            b[20 + 12] = 0x50;
            b[20 + 13] = TcpFlags.Syn;
        }

        return b;
    }
}
