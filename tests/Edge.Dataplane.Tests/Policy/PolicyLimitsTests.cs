using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Tests.Simulation;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Policy;

/// <summary>A board's policy limits: a state needing more is refused whole, naming the limit, and what it enforced stays.</summary>
[Trait("Category", Category.Unit)]
public sealed class PolicyLimitsTests
{
    private static PolicySet Policies(int count)
    {
        var set = new PolicySet(count, 0, count, 0);
        for (int i = 0; i < count; i++)
        {
            set.AddPolicy($"default/p{i}", PolicyTypes.Ingress);
            set.AddSubject(Ipv4Address.FromOctets(10, 244, 1, 2));
        }

        return set;
    }

    [Fact]
    public void A_WROOM_board_takes_16_policies_and_refuses_17_naming_the_limit_keeping_the_16()
    {
        var clock = new SimClock();
        var identity = new NodeConfig { Name = "node-1", Address = Ipv4Address.FromOctets(192, 168, 50, 11) };
        MemoryClass.Apply(MemoryClass.Wroom, identity);
        var network = new SimNetwork(clock, new SimRandom(1));
        var agent = new NodeAgent(identity, clock, new SimRandom(2), network.Open(identity.Address, identity.VxlanPort), null!);
        var state = new DesiredState { Generation = 1, PodNetwork = Ipv4Address.FromOctets(10, 244, 1, 0), Policies = Policies(16) };

        Assert.Null(agent.Apply(state));
        Assert.Equal(16, agent.Node.Policy!.Set.PolicyCount);

        var tooMany = new DesiredState { Generation = 2, PodNetwork = state.PodNetwork, Policies = Policies(17) };
        Assert.Equal("this board enforces at most 16 network policies; its pods need 17", agent.Apply(tooMany));
        Assert.Equal(1u, agent.AppliedGeneration); // not acknowledged: the host says why on the node
        Assert.Equal(16, agent.Node.Policy.Set.PolicyCount);
    }
}
