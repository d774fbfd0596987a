using Edge.Dataplane.Wire;

namespace Edge.Host.Tests.Policy;

/// <summary>
/// Cases of the upstream Kubernetes e2e suite for network policy (test/e2e/network/netpol,
/// network_policy.go), with its cluster (namespaces x, y, z; pods a, b, c) on three boards:
/// each case applies the policies, probes all 81 pairs with real connections through the
/// boards, and compares the matrix with upstream's expectation, printing both on failure.
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class NetworkPolicyTruthTableTests
{
    private const byte Tcp = IpProtocol.Tcp;
    private const byte Udp = IpProtocol.Udp;

    private static void Check(ProbeLab lab, Reachability expected, ushort port = 80, byte protocol = Tcp)
    {
        Reachability observed = lab.Probe(port, protocol);
        expected.AllowLoopback();
        Assert.True(expected.Equals(observed),
            $"port {port}/{(protocol == Tcp ? "TCP" : "UDP")}\nexpected:\n{expected}\nobserved:\n{observed}");
    }

    private static string Policy(string ns, string name, string spec) => $"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        spec:
        {Indent(spec)}
        ---

        """;

    private static string Indent(string spec) => string.Join("\n", spec.Split('\n').Select(l => "  " + l));

    [Fact]
    public void Without_policy_every_pod_reaches_every_pod()
    {
        var lab = new ProbeLab(1);
        Check(lab, Reachability.AllConnected());
        Check(lab, Reachability.AllConnected(), 81, Udp);
    }

    [Fact]
    public void A_default_deny_ingress_policy_isolates_its_namespace()
    {
        // "should support a 'default-deny-ingress' policy"
        var lab = new ProbeLab(2);
        lab.Apply(Policy("x", "deny-ingress", "podSelector: {}\npolicyTypes: [Ingress]"));
        Check(lab, Reachability.AllConnected().Expect("*", "x/*", false));
    }

    [Fact]
    public void A_default_deny_all_policy_isolates_both_ways()
    {
        // "should support a 'default-deny-all' policy"
        var lab = new ProbeLab(3);
        lab.Apply(Policy("x", "deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]"));
        Check(lab, Reachability.AllConnected().Expect("*", "x/*", false).Expect("x/*", "*", false));
    }

    [Fact]
    public void A_pod_selector_allows_traffic_from_pods_of_the_servers_namespace()
    {
        // "should enforce policy to allow traffic from pods within server namespace based on PodSelector"
        var lab = new ProbeLab(4);
        lab.Apply(Policy("x", "x-a-allows-x-b", """
            podSelector: {matchLabels: {pod: a}}
            ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]
            """));
        Check(lab, Reachability.AllConnected().Expect("*", "x/a", false).Expect("x/b", "x/a", true).Expect("x/a", "x/a", true));
    }

    [Fact]
    public void A_namespace_selector_allows_only_a_different_namespace()
    {
        // "should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector"
        var lab = new ProbeLab(5);
        lab.Apply(Policy("x", "allow-ns-y", """
            podSelector: {matchLabels: {pod: a}}
            ingress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
            """));
        Check(lab, Reachability.AllConnected().Expect("*", "x/a", false).Expect("y/*", "x/a", true).Expect("x/a", "x/a", true));
    }

    [Fact]
    public void Pod_and_namespace_selectors_in_two_peers_are_OR()
    {
        // "should enforce policy based on PodSelector or NamespaceSelector"
        var lab = new ProbeLab(6);
        lab.Apply(Policy("x", "or", """
            podSelector: {matchLabels: {pod: a}}
            ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: [x]}]}}, {podSelector: {matchLabels: {pod: b}}}]}]
            """));
        Check(lab, Reachability.AllConnected().Expect("x/c", "x/a", false));
    }

    [Fact]
    public void Pod_and_namespace_selectors_in_one_peer_are_AND()
    {
        // "should enforce policy based on PodSelector and NamespaceSelector"
        var lab = new ProbeLab(7);
        lab.Apply(Policy("x", "and", """
            podSelector: {matchLabels: {pod: a}}
            ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: [x]}]}, podSelector: {matchLabels: {pod: b}}}]}]
            """));
        Check(lab, Reachability.AllConnected().Expect("*", "x/a", false).Expect("y/b", "x/a", true).Expect("z/b", "x/a", true).Expect("x/a", "x/a", true));
    }

    [Fact]
    public void Ports_limit_what_an_allowed_namespace_reaches()
    {
        // "should enforce policy based on Ports": ingress to x/a from y on 81 only.
        var lab = new ProbeLab(8);
        lab.Apply(Policy("x", "allow-81", """
            podSelector: {matchLabels: {pod: a}}
            ingress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}}], ports: [{port: 81, protocol: TCP}]}]
            """));
        Check(lab, Reachability.AllConnected().Expect("*", "x/a", false).Expect("x/a", "x/a", true));
        Check(lab, Reachability.AllConnected().Expect("*", "x/a", false).Expect("y/*", "x/a", true).Expect("x/a", "x/a", true), 81);
    }

    [Fact]
    public void Stacked_policies_with_overlapping_selectors_add_up()
    {
        // "should enforce multiple, stacked policies with overlapping podSelectors"
        var lab = new ProbeLab(9);
        string allow81 = Policy("x", "allow-81", """
            podSelector: {matchLabels: {pod: a}}
            ingress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}}], ports: [{port: 81, protocol: TCP}]}]
            """);
        string allow80 = Policy("x", "allow-80", """
            podSelector: {matchLabels: {pod: a}}
            ingress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}}], ports: [{port: 80, protocol: TCP}]}]
            """);
        lab.Apply(allow81 + allow80);
        Reachability expected = Reachability.AllConnected().Expect("*", "x/a", false).Expect("y/*", "x/a", true).Expect("x/a", "x/a", true);
        Check(lab, expected, 80);
        Check(lab, expected, 81);
    }

    [Fact]
    public void A_named_port_allows_ingress_on_that_port_alone()
    {
        // "should allow ingress access on one named port"
        var lab = new ProbeLab(10);
        lab.Apply(Policy("x", "allow-serve-81", """
            podSelector: {}
            ingress: [{ports: [{port: serve-81-tcp}]}]
            """));
        Check(lab, Reachability.AllConnected(), 81);
        Check(lab, Reachability.AllConnected().Expect("*", "x/*", false).Expect("x/a", "x/a", true).Expect("x/b", "x/b", true).Expect("x/c", "x/c", true), 80);
    }

    [Fact]
    public void A_named_port_allows_egress_on_that_port_alone()
    {
        // "should allow egress access on one named port" (and DNS, as upstream's policy allows 53)
        var lab = new ProbeLab(11);
        lab.Apply(Policy("x", "allow-egress-80", """
            podSelector: {}
            policyTypes: [Egress]
            egress: [{ports: [{port: serve-80-tcp}]}, {ports: [{port: 53, protocol: UDP}]}]
            """));
        Check(lab, Reachability.AllConnected(), 80);
        Check(lab, Reachability.AllConnected().Expect("x/*", "*", false).Expect("x/a", "x/a", true).Expect("x/b", "x/b", true).Expect("x/c", "x/c", true), 81);
    }

    [Fact]
    public void Protocol_alone_allows_every_port_of_it_and_no_other_protocol()
    {
        // "should enforce ingress policy allowing any port traffic to a server on a specific protocol"
        var lab = new ProbeLab(12);
        lab.Apply(Policy("x", "allow-udp", """
            podSelector: {matchLabels: {pod: a}}
            ingress: [{ports: [{protocol: UDP}]}]
            """));
        Check(lab, Reachability.AllConnected(), 81, Udp);
        Check(lab, Reachability.AllConnected().Expect("*", "x/a", false).Expect("x/a", "x/a", true), 80, Tcp);
    }

    [Fact]
    public void An_egress_port_range_allows_the_ports_from_port_to_endPort()
    {
        // "should enforce egress policy allowing traffic to a server in a different namespace based on
        // PodSelector and NamespaceSelector" with a port range (endPort), as upstream's endPort cases.
        var lab = new ProbeLab(13);
        lab.Apply(Policy("x", "egress-range", """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress: [{to: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: b}}}], ports: [{protocol: TCP, port: 80, endPort: 81}]}]
            """));
        Reachability expected = Reachability.AllConnected().Expect("x/a", "*", false).Expect("x/a", "y/b", true).Expect("x/a", "x/a", true);
        Check(lab, expected, 80);
        Check(lab, expected, 81);
    }

    [Fact]
    public void Egress_rules_without_policyTypes_isolate_ingress_too()
    {
        // "If no policyTypes are specified on a NetworkPolicy then by default Ingress will always be set
        // and Egress will be set if the NetworkPolicy has any egress rules": the classic surprise.
        var lab = new ProbeLab(20);
        lab.Apply(Policy("x", "egress-to-y", """
            podSelector: {matchLabels: {pod: a}}
            egress: [{to: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
            """));
        Check(lab, Reachability.AllConnected().Expect("x/a", "*", false).Expect("x/a", "y/*", true).Expect("*", "x/a", false));
    }

    [Fact]
    public void An_ip_block_with_an_except_allows_the_block_but_the_except()
    {
        // "should enforce except clause while egress access to server in CIDR block"
        var lab = new ProbeLab(14);
        string block = "10.244.0.0/16";
        string except = Ipv4Address.Format(lab.AddressOf("y/b")) + "/32";
        lab.Apply(Policy("x", "egress-cidr", $$$"""
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress: [{to: [{ipBlock: {cidr: {{{block}}}, except: [{{{except}}}]}}]}]
            """));
        Check(lab, Reachability.AllConnected().Expect("x/a", "y/b", false));
    }

    [Fact]
    public void An_address_in_one_policys_except_and_anothers_cidr_is_allowed()
    {
        // "should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed"
        var lab = new ProbeLab(15);
        string yb = Ipv4Address.Format(lab.AddressOf("y/b")) + "/32";
        lab.Apply(Policy("x", "except-yb", $$$"""
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress: [{to: [{ipBlock: {cidr: 10.244.0.0/16, except: [{{{yb}}}]}}]}]
            """) + Policy("x", "allow-yb", $$$"""
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress: [{to: [{ipBlock: {cidr: {{{yb}}}}}]}]
            """));
        Check(lab, Reachability.AllConnected());
    }

    [Fact]
    public void Egress_denied_at_the_client_wins_over_an_ingress_the_server_allows()
    {
        // "should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)"
        var lab = new ProbeLab(16);
        lab.Apply(Policy("x", "x-a-no-egress", """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            """) + Policy("y", "allow-from-x-a", """
            podSelector: {}
            ingress: [{from: [{namespaceSelector: {matchLabels: {ns: x}}, podSelector: {matchLabels: {pod: a}}}]}]
            """));
        Check(lab, Reachability.AllConnected().Expect("x/a", "*", false).Expect("*", "y/*", false).Expect("x/a", "x/a", true)
            .Expect("y/a", "y/a", true).Expect("y/b", "y/b", true).Expect("y/c", "y/c", true));
    }

    [Fact]
    public void An_allow_all_ingress_policy_takes_precedence_over_a_narrower_one()
    {
        // "should enforce multiple ingress policies with ingress allow-all policy taking precedence"
        var lab = new ProbeLab(17);
        lab.Apply(Policy("x", "allow-81-only", """
            podSelector: {matchLabels: {pod: a}}
            ingress: [{ports: [{port: 81, protocol: TCP}]}]
            """));
        Check(lab, Reachability.AllConnected().Expect("*", "x/a", false).Expect("x/a", "x/a", true), 80);
        lab.Apply(Policy("x", "allow-81-only", """
            podSelector: {matchLabels: {pod: a}}
            ingress: [{ports: [{port: 81, protocol: TCP}]}]
            """) + Policy("x", "allow-all", "podSelector: {matchLabels: {pod: a}}\ningress: [{}]"));
        Check(lab, Reachability.AllConnected(), 80);
    }

    [Fact]
    public void Policies_stop_being_enforced_when_deleted_and_updates_take_effect()
    {
        // "should stop enforcing policies after they are deleted", "should enforce updated policy",
        // "should allow ingress access from updated pod"
        var lab = new ProbeLab(18);
        string allowB = Policy("x", "allow-b", """
            podSelector: {matchLabels: {pod: a}}
            ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]
            """);
        lab.Apply(allowB);
        Check(lab, Reachability.AllConnected().Expect("*", "x/a", false).Expect("x/b", "x/a", true).Expect("x/a", "x/a", true));

        lab.SetPodLabel("x/c", "b"); // x/c relabelled pod=b: now allowed
        lab.Push();
        Check(lab, Reachability.AllConnected().Expect("*", "x/a", false).Expect("x/b", "x/a", true).Expect("x/c", "x/a", true).Expect("x/a", "x/a", true));

        lab.Apply("");
        Check(lab, Reachability.AllConnected());
    }

    [Fact]
    public void Replies_of_allowed_connections_pass_both_ways_over_UDP()
    {
        // Stateful: x is isolated both ways but may talk to y; y's answers come back though x takes no ingress.
        var lab = new ProbeLab(19);
        lab.Apply(Policy("x", "egress-to-y", """
            podSelector: {}
            policyTypes: [Ingress, Egress]
            egress: [{to: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
            """));
        Check(lab, Reachability.AllConnected().Expect("*", "x/*", false).Expect("x/*", "*", false).Expect("x/*", "y/*", true), 80, Udp);
    }
}
