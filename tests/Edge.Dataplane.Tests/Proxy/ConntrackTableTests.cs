using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using static Edge.Dataplane.Tests.Proxy.ViewScenario;

namespace Edge.Dataplane.Tests.Proxy;

/// <summary>
/// The connection table keeps a flow's reply destination as a flag (the client itself, or the
/// node's masquerade address) and its TCP state in the flags byte: both read back, both directions
/// are found, and a freed entry is free.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class ConntrackTableTests
{
    private static readonly uint Gateway = Ip("10.244.1.1");

    [Fact]
    public void A_flow_replies_to_its_client_unless_it_was_masqueraded_to_the_node()
    {
        var c = new Conntrack(16, false, Gateway, 4);
        int direct = c.Create(IpProtocol.Tcp, Ip("10.244.2.7"), 40000, Ip("10.96.0.20"), 80, Ip("10.244.1.5"), 8080, Ip("10.244.2.7"), 40000, 0, 0);
        int masqueraded = c.Create(IpProtocol.Tcp, Ip("192.168.50.10"), 40000, Ip("10.96.0.20"), 80, Ip("10.244.1.5"), 8080, Gateway, 40001, 0, 0);

        Assert.Equal(Ip("10.244.2.7"), c.ReplyDestinationOf(direct));
        Assert.Equal(Gateway, c.ReplyDestinationOf(masqueraded));
        Assert.Equal(masqueraded, c.Find(IpProtocol.Tcp, Ip("10.244.1.5"), 8080, Gateway, 40001, 0, out bool reply));
        Assert.True(reply);
        Assert.Equal(direct, c.Find(IpProtocol.Tcp, Ip("10.244.1.5"), 8080, Ip("10.244.2.7"), 40000, 0, out reply));
        Assert.True(reply);
    }

    [Fact]
    public void A_flows_original_destination_is_its_services_and_a_slot_given_another_service_drops_the_old_flows()
    {
        // Kept once per service slot, not per flow: a slot now holding a service at another address
        // or port cannot keep flows whose original tuples would change under them.
        var c = new Conntrack(16, false, Gateway, 4);
        int web = c.Create(IpProtocol.Tcp, Ip("10.244.2.7"), 40000, Ip("10.96.0.20"), 80, Ip("10.244.1.5"), 8080, Ip("10.244.2.7"), 40000, 1, 0);
        int dns = c.Create(IpProtocol.Udp, Ip("10.244.2.7"), 5353, Ip("10.96.0.10"), 53, Ip("10.244.1.3"), 53, Ip("10.244.2.7"), 5353, 2, 0);
        Assert.Equal((Ip("10.96.0.20"), (ushort)80), (c.OriginalDestinationOf(web), c.OriginalDestinationPortOf(web)));
        Assert.Equal(web, c.Find(IpProtocol.Tcp, Ip("10.244.2.7"), 40000, Ip("10.96.0.20"), 80, 0, out bool reply));
        Assert.False(reply);

        int moved = c.Create(IpProtocol.Tcp, Ip("10.244.2.8"), 40000, Ip("10.96.0.21"), 80, Ip("10.244.1.5"), 8080, Ip("10.244.2.8"), 40000, 1, 0);
        Assert.Equal(-1, c.Find(IpProtocol.Tcp, Ip("10.244.2.7"), 40000, Ip("10.96.0.20"), 80, 0, out _));
        Assert.Equal(-1, c.Find(IpProtocol.Tcp, Ip("10.244.1.5"), 8080, Ip("10.244.2.7"), 40000, 0, out _)); // nor by its reply
        Assert.Equal(moved, c.Find(IpProtocol.Tcp, Ip("10.244.2.8"), 40000, Ip("10.96.0.21"), 80, 0, out _));
        Assert.Equal(dns, c.Find(IpProtocol.Udp, Ip("10.244.2.7"), 5353, Ip("10.96.0.10"), 53, 0, out _)); // another slot: untouched
        Assert.Equal(2, c.Count);
        Assert.Equal(-1, c.Create(IpProtocol.Tcp, Ip("10.244.2.9"), 1, Ip("10.96.0.22"), 80, Ip("10.244.1.5"), 80, Ip("10.244.2.9"), 1, 4, 0)); // no slot 4
    }

    [Fact]
    public void A_reply_destination_that_is_neither_the_client_nor_the_masquerade_address_is_refused_whole()
    {
        var c = new Conntrack(16, false, Gateway, 4);

        int i = c.Create(IpProtocol.Udp, Ip("10.244.2.7"), 5353, Ip("10.96.0.10"), 53, Ip("10.244.1.3"), 53, Ip("10.244.9.9"), 5353, 0, 0);

        Assert.Equal(-1, i);
        Assert.Equal(0, c.Count);
    }

    [Fact]
    public void The_TCP_state_moves_with_the_handshake_and_leaves_the_other_flags_alone()
    {
        var c = new Conntrack(16, false, Gateway, 4);
        int i = c.Create(IpProtocol.Tcp, Ip("192.168.50.10"), 40000, Ip("10.96.0.20"), 80, Ip("10.244.1.5"), 8080, Gateway, 40000, 0, 0);

        c.Observe(i, false, TcpFlags.Syn, 60, 0);
        Assert.Equal(ConntrackState.SynSent, c.StateOf(i));
        c.Observe(i, true, TcpFlags.Syn | TcpFlags.Ack, 60, 1);
        Assert.Equal(ConntrackState.SynReceived, c.StateOf(i));
        c.Observe(i, false, TcpFlags.Ack, 52, 2);
        Assert.Equal(ConntrackState.Established, c.StateOf(i));
        Assert.True(c.IsAssured(i));
        Assert.Equal(Gateway, c.ReplyDestinationOf(i)); // the masquerade flag survived every state change

        c.Remove(i);
        Assert.False(c.IsUsed(i));
        Assert.Equal(-1, c.Find(IpProtocol.Tcp, Ip("192.168.50.10"), 40000, Ip("10.96.0.20"), 80, 3, out _));
    }
}
