using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.Host.Trace;

namespace Edge.Host.Tests.Trace;

/// <summary>
/// The boards' hops in the packet's order: the request from its board on to each board a VXLAN
/// hop names, then the reply from where the request arrived; a trace is complete when both ways
/// have ended, or the request was dropped with no answer coming.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class TracePathTests
{
    private static readonly uint Node1 = Ipv4Address.FromOctets(192, 168, 50, 11);
    private static readonly uint Node2 = Ipv4Address.FromOctets(192, 168, 50, 12);

    private static TraceHop Hop(string node, int step, bool reply, uint a = 0, uint b = 0) =>
        new() { Node = node, BoardMilliseconds = 0, Step = step, Reply = reply, A = a, B = b, Frame = [] };

    private static string? NodeAt(uint address) => address == Node1 ? "node-1" : address == Node2 ? "node-2" : null;

    private static Dictionary<string, TraceBatch> Boards(params TraceHop[] hops) =>
        hops.GroupBy(h => h.Node).ToDictionary(g => g.Key, g => new TraceBatch(2, 0, 0, true, g.ToArray()));

    [Fact]
    public void The_request_goes_on_where_its_VXLAN_hop_went_and_the_reply_comes_back_from_there()
    {
        // Each board's hops in the order it recorded them, the reply's interleaved with the request's.
        var batches = Boards(
            Hop("node-1", PacketTrace.Bridged, false, 1, 0),
            Hop("node-1", PacketTrace.Routed, false, PacketTrace.ToPeer | (1 << 8), Node2),
            Hop("node-1", PacketTrace.Encapsulated, false, Node2, 1),
            Hop("node-1", PacketTrace.Decapsulated, true, Node2, 1),
            Hop("node-1", PacketTrace.Routed, true, PacketTrace.ToPod | (1 << 8)),
            Hop("node-1", PacketTrace.Bridged, true, 0, 1),
            Hop("node-2", PacketTrace.Decapsulated, false, Node1, 1),
            Hop("node-2", PacketTrace.Routed, false, PacketTrace.ToPod),
            Hop("node-2", PacketTrace.Bridged, false, 0, 2),
            Hop("node-2", PacketTrace.Bridged, true, 2, 0),
            Hop("node-2", PacketTrace.Routed, true, PacketTrace.ToPeer, Node1),
            Hop("node-2", PacketTrace.Encapsulated, true, Node1, 1));

        TracePath path = TracePath.Order(batches, "node-1", NodeAt);

        Assert.Equal(["node-1 1", "node-1 2", "node-1 3", "node-2 4", "node-2 2", "node-2 1"], path.Request.Select(h => $"{h.Node} {h.Step}"));
        Assert.Equal(["node-2 1", "node-2 2", "node-2 3", "node-1 4", "node-1 2", "node-1 1"], path.Reply.Select(h => $"{h.Node} {h.Step}"));
        Assert.Empty(path.Unplaced);
        Assert.True(path.Complete);
    }

    [Fact]
    public void A_drop_with_no_answer_coming_is_complete_but_a_refusal_waits_for_its_ICMP_error()
    {
        TracePath dropped = TracePath.Order(Boards(Hop("node-1", PacketTrace.Bridged, false, 1, 0), Hop("node-1", PacketTrace.Dropped, false, DropReason.PolicyDenied)), "node-1", NodeAt);
        Assert.True(dropped.Complete);

        var refused = Boards(
            Hop("node-1", PacketTrace.Bridged, false, 1, 0),
            Hop("node-1", PacketTrace.Routed, false, PacketTrace.Rejected | (2 << 8)),
            Hop("node-1", PacketTrace.Dropped, false, DropReason.NoEndpoint));
        Assert.False(TracePath.Order(refused, "node-1", NodeAt).Complete);

        refused["node-1"] = refused["node-1"] with { Hops = [.. refused["node-1"].Hops, Hop("node-1", PacketTrace.Routed, true, PacketTrace.FromNode), Hop("node-1", PacketTrace.Bridged, true, 0, 1)] };
        TracePath answered = TracePath.Order(refused, "node-1", NodeAt);
        Assert.True(answered.Complete);
        Assert.Equal(2, answered.Reply.Count);
    }

    [Fact]
    public void A_request_not_seen_past_a_board_is_not_complete_and_hops_off_the_path_are_kept_apart()
    {
        var batches = Boards(
            Hop("node-1", PacketTrace.Bridged, false, 1, 0),
            Hop("node-1", PacketTrace.Routed, false, PacketTrace.ToPeer, Node2),
            Hop("node-1", PacketTrace.Encapsulated, false, Node2, 1),
            Hop("node-3", PacketTrace.Bridged, false, 0, 1));

        TracePath path = TracePath.Order(batches, "node-1", NodeAt);

        Assert.Equal(3, path.Request.Count);
        Assert.False(path.RequestEnded);
        Assert.False(path.Complete);
        Assert.Equal("node-3", Assert.Single(path.Unplaced).Node);
    }
}
