using Edge.Dataplane.Policy;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Policy;

/// <summary>
/// The evaluator over compiled sets, against the rules of the Kubernetes documentation
/// ("Network Policies", https://kubernetes.io/docs/concepts/services-networking/network-policies/).
/// Sets are built as the host compiles them: selectors already resolved to addresses.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class PolicyEvaluatorTests
{
    private static readonly uint A = Ip("10.244.1.2"), B = Ip("10.244.1.3"), C = Ip("10.244.2.2"), Outside = Ip("192.168.1.50");

    private static uint Ip(string text) => Ipv4Address.TryParse(text, out uint a) ? a : throw new FormatException(text);

    private static bool Ingress(PolicySet set, uint pod, uint from, byte protocol = IpProtocol.Tcp, ushort port = 80) =>
        PolicyEvaluator.Allows(set, false, pod, from, protocol, port, new PolicyDecision());

    private static bool Egress(PolicySet set, uint pod, uint to, byte protocol = IpProtocol.Tcp, ushort port = 80) =>
        PolicyEvaluator.Allows(set, true, pod, to, protocol, port, new PolicyDecision());

    private static PolicySet Set() => new(8, 16, 48, 16);

    [Fact]
    public void A_pod_no_policy_selects_is_not_isolated_and_takes_everything()
    {
        // "By default, a pod is non-isolated for ingress; all inbound connections are allowed."
        PolicySet set = Set();
        Assert.True(set.AddPolicy("default/deny-b", PolicyTypes.Ingress));
        Assert.True(set.AddSubject(B));
        Assert.True(Ingress(set, A, C));
        Assert.True(Egress(set, A, C));
    }

    [Fact]
    public void Default_deny_ingress_isolates_without_touching_egress()
    {
        // The documentation's default-deny-ingress: podSelector {}, policyTypes [Ingress], no rules.
        PolicySet set = Set();
        set.AddPolicy("default/default-deny-ingress", PolicyTypes.Ingress);
        set.AddSubject(A);
        var decision = new PolicyDecision();
        Assert.False(PolicyEvaluator.Allows(set, false, A, C, IpProtocol.Tcp, 80, decision));
        Assert.True(decision.Isolated);
        Assert.Equal(0, decision.Policy);
        Assert.Equal(-1, decision.Rule);
        Assert.True(Egress(set, A, C)); // "does not change the egress isolation behavior"
    }

    [Fact]
    public void Allow_all_ingress_is_a_rule_without_from_or_ports()
    {
        PolicySet set = Set();
        set.AddPolicy("default/allow-all-ingress", PolicyTypes.Ingress);
        set.AddSubject(A);
        set.AddRule(RuleFlags.AnyPeer | RuleFlags.AnyPort);
        Assert.True(Ingress(set, A, Outside, IpProtocol.Udp, 5353));
        Assert.True(Ingress(set, A, C, IpProtocol.Icmp, 0));
    }

    [Fact]
    public void Policies_add_up_whatever_their_order()
    {
        // "Network policies do not conflict; they are additive."
        foreach (bool denyFirst in new[] { true, false })
        {
            PolicySet set = Set();
            void Deny()
            {
                set.AddPolicy("default/deny", PolicyTypes.Ingress);
                set.AddSubject(A);
            }

            void AllowC()
            {
                set.AddPolicy("default/allow-c", PolicyTypes.Ingress);
                set.AddSubject(A);
                set.AddRule(RuleFlags.AnyPort);
                set.AddPeer(C, 32, false);
            }

            if (denyFirst)
            {
                Deny();
                AllowC();
            }
            else
            {
                AllowC();
                Deny();
            }

            Assert.True(Ingress(set, A, C));
            Assert.False(Ingress(set, A, B));
        }
    }

    [Fact]
    public void An_ip_block_takes_its_cidr_but_its_excepts()
    {
        // The documentation's example: ipBlock 172.17.0.0/16 except 172.17.1.0/24.
        PolicySet set = Set();
        set.AddPolicy("default/test-network-policy", PolicyTypes.Ingress);
        set.AddSubject(A);
        set.AddRule(RuleFlags.AnyPort);
        set.AddPeer(Ip("172.17.0.0"), 16, false);
        set.AddPeer(Ip("172.17.1.0"), 24, true);
        set.AddPeer(C, 32, false); // a second peer: OR
        Assert.True(Ingress(set, A, Ip("172.17.0.9")));
        Assert.True(Ingress(set, A, Ip("172.17.2.1")));
        Assert.False(Ingress(set, A, Ip("172.17.1.9")));
        Assert.True(Ingress(set, A, C));
        Assert.False(Ingress(set, A, Ip("172.18.0.1")));
    }

    [Fact]
    public void Ports_match_by_protocol_and_range()
    {
        // ports: [{protocol: TCP, port: 32000, endPort: 32768}, {protocol: UDP}] (the second: every UDP port).
        PolicySet set = Set();
        set.AddPolicy("default/multi-port-egress", PolicyTypes.Egress);
        set.AddSubject(A);
        set.AddRule(RuleFlags.Egress | RuleFlags.AnyPeer);
        set.AddPort(IpProtocol.Tcp, 32000, 32768, 0);
        set.AddPort(IpProtocol.Udp, 0, 65535, 0);
        Assert.True(Egress(set, A, C, IpProtocol.Tcp, 32000));
        Assert.True(Egress(set, A, C, IpProtocol.Tcp, 32768));
        Assert.False(Egress(set, A, C, IpProtocol.Tcp, 32769));
        Assert.False(Egress(set, A, C, IpProtocol.Tcp, 80));
        Assert.True(Egress(set, A, C, IpProtocol.Udp, 53));
        Assert.False(Egress(set, A, C, IpProtocol.Icmp, 0)); // ports name TCP, UDP or SCTP: ping is not among them
    }

    [Fact]
    public void A_named_port_holds_only_on_the_destination_it_was_resolved_for()
    {
        // Egress to port "http": 80 on C, 8080 on B (each pod's own container port of that name).
        PolicySet set = Set();
        set.AddPolicy("default/to-http", PolicyTypes.Egress);
        set.AddSubject(A);
        set.AddRule(RuleFlags.Egress | RuleFlags.AnyPeer);
        set.AddPort(IpProtocol.Tcp, 80, 80, C);
        set.AddPort(IpProtocol.Tcp, 8080, 8080, B);
        Assert.True(Egress(set, A, C, IpProtocol.Tcp, 80));
        Assert.False(Egress(set, A, C, IpProtocol.Tcp, 8080));
        Assert.True(Egress(set, A, B, IpProtocol.Tcp, 8080));
        Assert.False(Egress(set, A, B, IpProtocol.Tcp, 80));
    }

    [Fact]
    public void Rules_of_one_direction_never_answer_for_the_other()
    {
        PolicySet set = Set();
        set.AddPolicy("default/both", (byte)(PolicyTypes.Ingress | PolicyTypes.Egress));
        set.AddSubject(A);
        set.AddRule(RuleFlags.AnyPeer | RuleFlags.AnyPort); // ingress from anywhere
        Assert.True(Ingress(set, A, C));
        Assert.False(Egress(set, A, C)); // isolated for egress with no egress rule
    }

    [Fact]
    public void A_rule_of_a_policy_that_does_not_select_the_pod_allows_nothing_for_it()
    {
        PolicySet set = Set();
        set.AddPolicy("default/deny-a", PolicyTypes.Ingress);
        set.AddSubject(A);
        set.AddPolicy("default/allow-b-from-c", PolicyTypes.Ingress);
        set.AddSubject(B);
        set.AddRule(RuleFlags.AnyPort);
        set.AddPeer(C, 32, false);
        Assert.False(Ingress(set, A, C));
        Assert.True(Ingress(set, B, C));
    }

    [Fact]
    public void A_full_set_refuses_more_and_names_the_limit()
    {
        var set = new PolicySet(1, 1, 1, 1);
        Assert.True(set.AddPolicy("default/one", PolicyTypes.Ingress));
        Assert.False(set.AddPolicy("default/two", PolicyTypes.Ingress));
        Assert.Equal("policies (1)", set.Overflow);
        Assert.True(set.AddRule(0));
        Assert.False(set.AddRule(0));
        Assert.Equal("policies (1)", set.Overflow); // the first limit reached is the one named
    }
}
