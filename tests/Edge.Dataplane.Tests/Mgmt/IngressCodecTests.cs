using Edge.Dataplane.Ingress;
using Edge.Dataplane.Mgmt;

namespace Edge.Dataplane.Tests.Mgmt;

/// <summary>The ingress section of a state: it decodes to what was encoded, an unchanged set is kept (no second copy on the board), a delta carries it only when it changed, and a route a board could not match damages the state.</summary>
[Trait("Category", Category.Unit)]
public sealed class IngressCodecTests
{
    private static IngressRoutes Routes(ushort port)
    {
        var routes = new IngressRoutes(3);
        routes.Add("", "/web", PathType.Prefix, "default", "web", port);
        routes.Add("*.lab.example", "/", PathType.Exact, "shop", "cart", 0);
        routes.Add("", "", PathType.Default, "default", "fallback", 8080);
        return routes;
    }

    private static byte[] Encode(DesiredState s)
    {
        var w = new PayloadWriter();
        byte[] buffer = new byte[Frame.MaxPayload];
        w.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(s, w);
        Assert.False(w.Overflow);
        return buffer[..w.Length];
    }

    private static DesiredState? Decode(byte[] payload, DesiredState? held = null)
    {
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        return StateCodec.Decode(r, held, null);
    }

    [Fact]
    public void Routes_decode_to_what_was_encoded_and_an_unchanged_set_is_kept()
    {
        var s = new DesiredState { PodNetwork = 0x0AF40100, Ingress = Routes(80) };
        DesiredState held = Decode(Encode(s))!;
        IngressRoutes routes = held.Ingress!;
        Assert.True(Routes(80).SameRoutes(routes));
        Assert.Equal(["", "*.lab.example", ""], routes.Hosts);
        Assert.Equal([PathType.Prefix, PathType.Exact, PathType.Default], routes.PathTypes);
        Assert.Equal([(ushort)80, (ushort)0, (ushort)8080], routes.ServicePorts);

        Assert.Same(routes, Decode(Encode(s), held)!.Ingress);
        IngressRoutes changed = Decode(Encode(new DesiredState { PodNetwork = 0x0AF40100, Ingress = Routes(81) }), held)!.Ingress!;
        Assert.NotSame(routes, changed);
    }

    [Fact]
    public void No_routes_travel_as_none()
    {
        Assert.Null(Decode(Encode(new DesiredState { PodNetwork = 0x0AF40100 }))!.Ingress);
        Assert.Null(Decode(Encode(new DesiredState { PodNetwork = 0x0AF40100, Ingress = new IngressRoutes(0) }))!.Ingress);
    }

    [Fact]
    public void A_route_a_board_could_not_match_damages_the_state()
    {
        var routes = Routes(80);
        routes.Paths[0] = "web"; // past Add's check: what a damaged or hostile payload could carry
        Assert.Null(Decode(Encode(new DesiredState { PodNetwork = 0x0AF40100, Ingress = routes })));
        routes = Routes(80);
        routes.PathTypes[1] = 7;
        Assert.Null(Decode(Encode(new DesiredState { PodNetwork = 0x0AF40100, Ingress = routes })));
    }

    [Fact]
    public void A_delta_carries_the_routes_only_when_they_changed()
    {
        var before = new DesiredState { PodNetwork = 0x0AF40100, Generation = 1, Ingress = Routes(80) };
        DesiredState held = Decode(Encode(before))!;
        foreach (var (flags, ingress, expected) in new[] { (0, (IngressRoutes?)null, held.Ingress), (StateDelta.IngressReplaced, Routes(81), null) })
        {
            var w = new PayloadWriter();
            byte[] buffer = new byte[Frame.MaxPayload];
            w.Begin(buffer, 0, buffer.Length);
            StateDelta.Encode(1, flags, [], [], new DesiredState { PodNetwork = 0x0AF40100, Generation = 2, Ingress = ingress }, w);
            var r = new PayloadReader();
            r.Begin(buffer, 0, w.Length);
            DesiredState next = StateDelta.Merge(held, r, out string error)!;
            Assert.Null(error);
            if (expected != null)
            {
                Assert.Same(expected, next.Ingress);
            }
            else
            {
                Assert.Equal(81, next.Ingress!.ServicePorts[0]);
            }
        }
    }
}
