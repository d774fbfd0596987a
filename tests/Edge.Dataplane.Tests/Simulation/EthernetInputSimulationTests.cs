using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>
/// What a pod's eth0 and the node's gateway take from the bridge: frames for their MAC (and,
/// for a pod, group addresses) carrying IPv4 or ARP; the rest is dropped and counted, as a NIC
/// filters by destination and a stack by EtherType.
/// </summary>
[Trait("Category", Category.Simulation)]
public sealed class EthernetInputSimulationTests
{
    private const ulong NobodysMac = 0x020000000099UL;

    [Fact]
    public void A_unicast_frame_for_another_MAC_is_flooded_and_every_port_drops_it_as_not_for_us()
    {
        var (cluster, node, a, b) = TwoPods();
        Send(node, a, NobodysMac, EtherType.Ipv4, 60);

        // Unknown unicast floods: the gateway and pod b each see it and refuse it.
        Assert.Equal(2, node.Drops[DropReason.NotForUs]);
        Assert.Equal(0, b.Interface.Arp.Count);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void A_broadcast_of_an_EtherType_no_one_speaks_is_dropped_as_unsupported_by_every_port()
    {
        var (cluster, node, a, _) = TwoPods();
        Send(node, a, MacAddress.Broadcast, 0x88B5, 60); // IEEE local experimental

        Assert.Equal(2, node.Drops[DropReason.Unsupported]);
        Assert.Equal(0, node.Drops[DropReason.NotForUs]);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void An_IEEE_802_3_length_frame_for_a_pod_is_unsupported()
    {
        var (cluster, node, a, b) = TwoPods();
        b.OpenUdp(0)!.SendTo(a.Address, 9, [1], 0, 1); // b speaks, so the bridge learns its port
        cluster.Run(10);
        long before = node.Drops[DropReason.Unsupported];
        Send(node, a, b.Mac, 0x002E, 60); // a length, not an EtherType: LLC, which no pod speaks

        Assert.Equal(before + 1, node.Drops[DropReason.Unsupported]);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void A_frame_for_the_gateway_MAC_that_is_not_IPv4_or_ARP_is_unsupported_not_routed()
    {
        var (cluster, node, a, _) = TwoPods();
        Send(node, a, node.Gateway.Interface.Mac, 0x86DD, 60); // IPv6: the node routes IPv4 only

        Assert.Equal(1, node.Drops[DropReason.Unsupported]);
        Assert.Equal(0, node.Gateway.Routed);
        cluster.AssertNoLeaks();
    }

    [Fact]
    public void A_broadcast_ARP_request_reaches_the_pod_it_asks_for_and_it_answers()
    {
        var (cluster, node, a, b) = TwoPods();
        PacketBuffer frame = node.Context.Pool.Rent()!;
        new ArpRepr
        {
            Operation = ArpOperation.Request,
            SenderHardwareAddress = a.Mac,
            SenderProtocolAddress = a.Address,
            TargetProtocolAddress = b.Address,
        }.Emit(frame.Data, frame.Offset + EthernetFrame.HeaderLength);
        new EthernetRepr { Destination = MacAddress.Broadcast, Source = a.Mac, EtherType = EtherType.Arp }.Emit(frame.Data, frame.Offset);
        frame.Length = EthernetFrame.HeaderLength + ArpPacket.Length;
        node.Bridge.Submit(frame, PortOf(node, a));
        cluster.Run(1);

        Assert.True(b.Interface.Arp.TryLookup(a.Address, cluster.Clock.Milliseconds, out ulong learned), "b learned the asker from its request");
        Assert.Equal(a.Mac, learned);
        Assert.True(a.Interface.Arp.TryLookup(b.Address, cluster.Clock.Milliseconds, out ulong answered), "b's reply reached a");
        Assert.Equal(b.Mac, answered);
        cluster.AssertNoLeaks();
    }

    private static (SimCluster Cluster, Node Node, PodSandbox A, PodSandbox B) TwoPods()
    {
        var cluster = new SimCluster(1, seed: 31);
        Node node = cluster.Node(1);
        PodSandbox a = node.AddPod("default", "a", 0);
        PodSandbox b = node.AddPod("default", "b", 0);
        cluster.Run(1);
        return (cluster, node, a, b);
    }

    // A frame as if pod a's eth0 had sent it onto the bridge.
    private static void Send(Node node, PodSandbox from, ulong destination, ushort etherType, int length)
    {
        PacketBuffer frame = node.Context.Pool.Rent()!;
        Array.Clear(frame.Data, frame.Offset, length);
        new EthernetRepr { Destination = destination, Source = from.Mac, EtherType = etherType }.Emit(frame.Data, frame.Offset);
        frame.Length = length;
        node.Bridge.Submit(frame, PortOf(node, from));
        node.Poll();
    }

    // A pod in slot i is on bridge port i + 1 (port 0 is the gateway's).
    private static int PortOf(Node node, PodSandbox pod)
    {
        for (int slot = 0; slot < node.PodSlots; slot++)
        {
            if (node.PodAt(slot) == pod)
            {
                return slot + 1;
            }
        }

        throw new InvalidOperationException("the pod has no bridge port");
    }
}
