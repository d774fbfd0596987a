using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Cli.Ui;
using Edge.Host.Trace;

namespace Edge.Cli.Tests.Ui;

/// <summary>
/// A trace as the lab view replays it, from traces the API really answered (TraceFixtures): every
/// hop in edgectl trace's words, numbered request first then reply, and where on the map each hop
/// happened. Expected places are written a hop a line: "NUMBER DIRECTION NODE STEP at=PART marks=... [arc=FROM>TO@ALONG]".
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class TraceViewTests
{
    private static TraceResult Read(string json) => JsonSerializer.Deserialize<TraceResult>(json, TraceJson.Options)!;

    private static string Places(JsonObject view) => string.Join("\n", view["hops"]!.AsArray().Select(h =>
        $"{h!["number"]} {h["direction"]} {h["node"]} {h["step"]} at={h["at"]} marks={string.Join(",", h["marks"]!.AsArray().Select(m => (string)m!))}"
        + (h["arc"] is JsonObject arc ? $" arc={arc["from"]}>{arc["to"]}@{arc["along"]}" : "")));

    [Fact]
    public void A_trace_across_the_overlay_goes_pod_bridge_kube_proxy_vxlan_arc_and_back_the_same_way()
    {
        JsonObject view = TraceView.Build(Read(TraceFixtures.CrossBoard));

        Assert.Equal("""
            1 request node-1 bridged at=bridge:node-1 marks=pod:default/client,bridge:node-1
            2 request node-1 routed at=proxy:node-1 marks=proxy:node-1,svc:default/web
            3 request node-1 encapsulated at=vxlan:node-1 marks=vxlan:node-1,overlay:node-1~node-2 arc=node-1>node-2@0.3
            4 request node-2 decapsulated at=vxlan:node-2 marks=overlay:node-1~node-2,vxlan:node-2 arc=node-1>node-2@0.7
            5 request node-2 routed at=proxy:node-2 marks=proxy:node-2
            6 request node-2 bridged at=pod:default/web-67d9dd6897-tcr8m marks=bridge:node-2,pod:default/web-67d9dd6897-tcr8m
            7 reply node-2 bridged at=bridge:node-2 marks=pod:default/web-67d9dd6897-tcr8m,bridge:node-2
            8 reply node-2 routed at=proxy:node-2 marks=proxy:node-2
            9 reply node-2 encapsulated at=vxlan:node-2 marks=vxlan:node-2,overlay:node-2~node-1 arc=node-2>node-1@0.3
            10 reply node-1 decapsulated at=vxlan:node-1 marks=overlay:node-2~node-1,vxlan:node-1 arc=node-2>node-1@0.7
            11 reply node-1 routed at=proxy:node-1 marks=proxy:node-1,svc:default/web
            12 reply node-1 bridged at=pod:default/client marks=bridge:node-1,pod:default/client
            """.ReplaceLineEndings("\n"), Places(view));

        // The words are edgectl trace's: the DNAT names the endpoint and the pick, the VXLAN hop the peer.
        JsonNode dnat = view["hops"]![1]!;
        Assert.Equal("kube-proxy, routing", (string?)dnat["point"]);
        Assert.Equal("kube-proxy: DNAT to default/web-67d9dd6897-tcr8m:80 for service default/web:http: endpoint 3 of 3 picked; a conntrack entry made", (string?)dnat["decisions"]![0]);
        Assert.Equal("encapsulated in VXLAN (VNI 1) to node/node-2 (127.0.10.195), over UDP", (string?)view["hops"]![2]!["decisions"]![0]);
        Assert.StartsWith("IPv4 10.244.1.2 > 10.244.2.3, TCP", (string?)dnat["headers"]![0]);
        Assert.Equal(("delivered", "DELIVERED on node-2 and answered: 12 hops"), ((string?)view["outcome"], (string?)view["verdict"]));
        Assert.Equal((6, 6, true), ((int)view["requestHops"]!, (int)view["replyHops"]!, (bool)view["complete"]!));
    }

    [Fact]
    public void A_trace_on_one_board_never_touches_the_overlay_and_its_reply_is_un_dnated_on_the_bridge()
    {
        JsonObject view = TraceView.Build(Read(TraceFixtures.SameBoard));

        Assert.Equal("""
            1 request node-1 bridged at=bridge:node-1 marks=pod:default/client,bridge:node-1
            2 request node-1 routed at=proxy:node-1 marks=proxy:node-1,svc:default/web
            3 request node-1 bridged at=pod:default/web-67d9dd6897-r2tlj marks=bridge:node-1,pod:default/web-67d9dd6897-r2tlj
            4 reply node-1 bridged at=pod:default/client marks=pod:default/web-67d9dd6897-r2tlj,bridge:node-1,pod:default/client,svc:default/web
            """.ReplaceLineEndings("\n"), Places(view));
        Assert.Equal("DELIVERED on node-1 and answered: 4 hops", (string?)view["verdict"]);
    }

    [Fact]
    public void A_drop_is_said_in_words_where_it_happened()
    {
        JsonObject view = TraceView.Build(Read(TraceFixtures.Dropped));

        Assert.Equal("""
            1 request node-1 bridged at=bridge:node-1 marks=pod:default/client,bridge:node-1
            2 request node-1 dropped at=proxy:node-1 marks=proxy:node-1
            """.ReplaceLineEndings("\n"), Places(view));
        JsonNode drop = view["hops"]![1]!;
        Assert.True((bool)drop["dropped"]!);
        Assert.Equal("DROPPED: egress-denied (pods may not reach outside the cluster on this lab (egress is off))", (string?)drop["decisions"]![0]);
        Assert.Equal(("dropped", "DROPPED on node-1: egress-denied"), ((string?)view["outcome"], (string?)view["verdict"]));
    }

    [Fact]
    public void An_incomplete_trace_says_so_and_keeps_its_notes()
    {
        TraceResult cut = Read(TraceFixtures.CrossBoard) is var whole
            ? whole with { Request = whole.Request.Take(3).ToArray(), Reply = [], Complete = false, Notes = ["the packet was last seen at hop 3 (no board recorded it after within 3 s)"] }
            : null!;

        JsonObject view = TraceView.Build(cut);

        Assert.Equal(("incomplete", "INCOMPLETE: see the notes"), ((string?)view["outcome"], (string?)view["verdict"]));
        Assert.Equal(["the packet was last seen at hop 3 (no board recorded it after within 3 s)"], view["notes"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(3, view["hops"]!.AsArray().Count);
    }
}
