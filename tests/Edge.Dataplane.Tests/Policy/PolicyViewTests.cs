using Edge.Dataplane.Net;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Policy.Views;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Policy;

/// <summary>The board's policies as a policy engine's ipsets and iptables chains, with the counters it keeps.</summary>
[Trait("Category", Category.Unit)]
public sealed class PolicyViewTests
{
    private static uint Ip(string text) => Ipv4Address.TryParse(text, out uint a) ? a : throw new FormatException(text);

    [Fact]
    public void A_node_without_policy_says_nothing_is_filtered()
    {
        Assert.Equal("# no network policy selects a pod on this node: nothing is filtered\n", PolicyView.Render(null!, Ip("10.244.1.1")));
    }

    [Fact]
    public void Policies_render_as_ipsets_and_a_chain_per_isolated_pod_that_returns_what_is_allowed()
    {
        // policy#0 isolates 10.244.1.5 both ways; policy#1 lets 10.244.0.0/16 but 10.244.3.0/24 in on
        // its named port (8080 on .5, 9090 on .6); the egress rule allows UDP 53 anywhere.
        var set = new PolicySet(2, 2, 6, 3, named: false);
        set.AddPolicy(null!, PolicyTypes.Ingress | PolicyTypes.Egress);
        set.AddSubject(Ip("10.244.1.5"));
        set.AddRule(RuleFlags.Egress | RuleFlags.AnyPeer);
        set.AddPort(IpProtocol.Udp, 53, 53, 0);
        set.AddPolicy(null!, PolicyTypes.Ingress);
        set.AddSubject(Ip("10.244.1.5"));
        set.AddSubject(Ip("10.244.1.6"));
        set.AddRule(0);
        set.AddPeer(Ip("10.244.0.0"), 16, false);
        set.AddPeer(Ip("10.244.3.0"), 24, true);
        set.AddPort(IpProtocol.Tcp, 8080, 8080, Ip("10.244.1.5"));
        set.AddPort(IpProtocol.Tcp, 9090, 9090, Ip("10.244.1.6"));
        var engine = new PolicyEngine(16, 8, Ip("10.244.1.1"), Ip("10.244.1.0"));
        engine.Load(set);
        set.RuleHits[1] = 3;
        set.PolicyDrops[0] = 7;

        Assert.Equal("""
            create EDGE-NWPLCY-R1 hash:net family inet
            add EDGE-NWPLCY-R1 10.244.0.0/16
            add EDGE-NWPLCY-R1 10.244.3.0/24 nomatch
            *filter
            :EDGE-NWPLCY-FORWARD - [0:0]
            :EDGE-POD-OUT-0af40105 - [0:0]
            :EDGE-POD-IN-0af40105 - [0:0]
            :EDGE-POD-IN-0af40106 - [0:0]
            -A EDGE-NWPLCY-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "remembered: 0 of 16 connections" -j ACCEPT
            -A EDGE-NWPLCY-FORWARD -s 10.244.1.1/32 -m comment --comment "from the pod's own node" -j ACCEPT
            -A EDGE-NWPLCY-FORWARD -s 10.244.1.5/32 -j EDGE-POD-OUT-0af40105
            -A EDGE-NWPLCY-FORWARD -d 10.244.1.5/32 -j EDGE-POD-IN-0af40105
            -A EDGE-NWPLCY-FORWARD -d 10.244.1.6/32 -j EDGE-POD-IN-0af40106
            -A EDGE-NWPLCY-FORWARD -j ACCEPT
            -A EDGE-POD-OUT-0af40105 -p udp -m udp --dport 53 -m comment --comment "policy#0 egress rule 0: 0 connections" -j RETURN
            -A EDGE-POD-OUT-0af40105 -m comment --comment "10.244.1.5 isolated for egress: nothing allowed it" -j DROP
            -A EDGE-POD-IN-0af40105 -m set --match-set EDGE-NWPLCY-R1 src -p tcp -m tcp --dport 8080 -m comment --comment "policy#1 ingress rule 0: 3 connections" -j RETURN
            -A EDGE-POD-IN-0af40105 -m comment --comment "10.244.1.5 isolated for ingress: nothing allowed it" -j DROP
            -A EDGE-POD-IN-0af40106 -m set --match-set EDGE-NWPLCY-R1 src -p tcp -m tcp --dport 9090 -m comment --comment "policy#1 ingress rule 0: 3 connections" -j RETURN
            -A EDGE-POD-IN-0af40106 -m comment --comment "10.244.1.6 isolated for ingress: nothing allowed it" -j DROP
            COMMIT
            # policy#0: 7 packets dropped of pods it isolates
            # policy#1: 0 packets dropped of pods it isolates

            """.Replace("\r", ""), PolicyView.Render(engine, Ip("10.244.1.1")));
    }
}
