using Edge.Dataplane.Policy;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Policy;

/// <summary>The remembered connections: found from either end, forgotten when idle, the least recent giving way.</summary>
[Trait("Category", Category.Unit)]
public sealed class PolicyConnectionsTests
{
    private const uint A = 0x0AF40102, B = 0x0AF40203;
    private const uint Ports = (40000u << 16) | 80;
    private const uint Swapped = (80u << 16) | 40000;

    [Fact]
    public void A_connection_is_found_going_and_coming_back()
    {
        var table = new PolicyConnections(8);
        int entry = table.Add(IpProtocol.Tcp, A, B, Ports, 1, 0);
        Assert.Equal(entry, table.Find(IpProtocol.Tcp, A, B, Ports, 10, out bool reply));
        Assert.False(reply);
        Assert.Equal(entry, table.Find(IpProtocol.Tcp, B, A, Swapped, 10, out reply));
        Assert.True(reply);
        Assert.Equal(-1, table.Find(IpProtocol.Udp, A, B, Ports, 10, out _));
        Assert.Equal(-1, table.Find(IpProtocol.Tcp, B, A, Ports, 10, out _)); // same ports the wrong way round: another connection
    }

    [Fact]
    public void Idle_connections_are_forgotten_after_their_protocol_timeout()
    {
        var table = new PolicyConnections(8);
        table.Add(IpProtocol.Udp, A, B, Ports, 1, 0);
        int tcp = table.Add(IpProtocol.Tcp, A, B, Ports, 1, 0);
        long udpGone = (PolicyConnections.UdpSeconds + 1) * 1000L;
        Assert.Equal(-1, table.Find(IpProtocol.Udp, A, B, Ports, udpGone, out _));
        Assert.Equal(tcp, table.Find(IpProtocol.Tcp, A, B, Ports, udpGone, out _));

        table.Seen(tcp, TcpFlags.Fin | TcpFlags.Ack, udpGone); // closing: a short time left
        Assert.Equal(tcp, table.Find(IpProtocol.Tcp, A, B, Ports, udpGone + PolicyConnections.TcpClosingSeconds * 1000L, out _));
        Assert.Equal(-1, table.Find(IpProtocol.Tcp, A, B, Ports, udpGone + (PolicyConnections.TcpClosingSeconds + 1) * 1000L, out _));
    }

    [Fact]
    public void A_full_set_gives_up_its_least_recently_seen_connection()
    {
        var table = new PolicyConnections(PolicyConnections.Ways); // one set
        for (int i = 0; i < PolicyConnections.Ways; i++)
        {
            table.Add(IpProtocol.Tcp, A, B, Ports + (uint)(i << 16), 1, i * 1000L);
        }

        table.Seen(table.Find(IpProtocol.Tcp, A, B, Ports, 5000, out _), TcpFlags.Ack, 5000); // the oldest is used again
        table.Add(IpProtocol.Tcp, A, B, Ports + (9u << 16), 1, 6000);
        Assert.Equal(1u, table.Evicted);
        Assert.NotEqual(-1, table.Find(IpProtocol.Tcp, A, B, Ports, 6000, out _));
        Assert.Equal(-1, table.Find(IpProtocol.Tcp, A, B, Ports + (1u << 16), 6000, out _)); // the least recently seen went
        Assert.Equal(PolicyConnections.Ways, table.Count);
    }

    [Fact]
    public void Connections_seen_in_the_same_second_give_way_in_turn_not_always_the_newest()
    {
        var table = new PolicyConnections(PolicyConnections.Ways); // one set, everything in one second
        for (uint i = 0; i < 12; i++)
        {
            table.Add(IpProtocol.Udp, A, B, Ports + (i << 16), 1, 0);
        }

        // The four last added are the four held: each newcomer displaced one of the others.
        for (uint i = 8; i < 12; i++)
        {
            Assert.NotEqual(-1, table.Find(IpProtocol.Udp, A, B, Ports + (i << 16), 0, out _));
        }
    }

    [Fact]
    public void Capacity_rounds_up_to_whole_sets()
    {
        Assert.Equal(32, new PolicyConnections(32).Capacity);
        Assert.Equal(8, new PolicyConnections(5).Capacity);
        Assert.Equal(PolicyConnections.Ways, new PolicyConnections(0).Capacity);
    }
}
