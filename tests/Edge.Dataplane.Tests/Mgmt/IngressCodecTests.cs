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

    [Fact]
    public void Routes_decode_to_what_was_encoded_and_an_unchanged_set_is_kept()
    {
        var s = new DesiredState { PodNetwork = 0x0AF40100, Ingress = Routes(80) };
        DesiredState held = StatePayloads.Decode(StatePayloads.Encode(s))!;
        IngressRoutes routes = held.Ingress!;
        Assert.True(Routes(80).SameRoutes(routes));
        Assert.Equal(["", "*.lab.example", ""], routes.Hosts);
        Assert.Equal([PathType.Prefix, PathType.Exact, PathType.Default], routes.PathTypes);
        Assert.Equal([(ushort)80, (ushort)0, (ushort)8080], routes.ServicePorts);

        Assert.Same(routes, StatePayloads.Decode(StatePayloads.Encode(s), held)!.Ingress);
        IngressRoutes changed = StatePayloads.Decode(StatePayloads.Encode(new DesiredState { PodNetwork = 0x0AF40100, Ingress = Routes(81) }), held)!.Ingress!;
        Assert.NotSame(routes, changed);
    }

    [Fact]
    public void No_routes_travel_as_none()
    {
        Assert.Null(StatePayloads.Decode(StatePayloads.Encode(new DesiredState { PodNetwork = 0x0AF40100 }))!.Ingress);
        Assert.Null(StatePayloads.Decode(StatePayloads.Encode(new DesiredState { PodNetwork = 0x0AF40100, Ingress = new IngressRoutes(0) }))!.Ingress);
    }

    [Fact]
    public void A_route_a_board_could_not_match_damages_the_state()
    {
        var routes = Routes(80);
        routes.Paths[0] = "web"; // past Add's check: what a damaged or hostile payload could carry
        Assert.Null(StatePayloads.Decode(StatePayloads.Encode(new DesiredState { PodNetwork = 0x0AF40100, Ingress = routes })));
        routes = Routes(80);
        routes.PathTypes[1] = 7;
        Assert.Null(StatePayloads.Decode(StatePayloads.Encode(new DesiredState { PodNetwork = 0x0AF40100, Ingress = routes })));
    }

    [Fact]
    public void A_delta_carries_the_routes_only_when_they_changed()
    {
        var before = new DesiredState { PodNetwork = 0x0AF40100, Generation = 1, Ingress = Routes(80) };
        DesiredState held = StatePayloads.Decode(StatePayloads.Encode(before))!;
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

    [Fact]
    public void Allowlists_and_canaries_travel_with_their_routes()
    {
        IngressRoutes routes = Routes(80);
        routes.Annotations = new RouteAnnotations(3, 3);
        routes.Annotations.Allow(0, 0x0A000000, 8);
        routes.Annotations.Allow(0, 0xC0A83205, 32);
        routes.Annotations.Allow(2, 0xAC100000, 12);
        routes.Annotations.Canary(0, "default", "web-canary", 8080, 25, "x-canary", "blue");
        routes.Annotations.Canary(1, "shop", "cart-v2", 80, 100, null, null);
        var s = new DesiredState { PodNetwork = 0x0AF40100, Ingress = routes };

        DesiredState held = StatePayloads.Decode(StatePayloads.Encode(s))!;
        RouteAnnotations got = held.Ingress!.Annotations!;
        Assert.True(routes.SameRoutes(held.Ingress));
        Assert.Equal((2, 0, 1), (got.AllowCount[0], got.AllowCount[1], got.AllowCount[2]));
        Assert.True(got.Allows(0, 0x0A010203) && got.Allows(0, 0xC0A83205) && !got.Allows(0, 0xC0A83206));
        Assert.True(got.Allows(1, 0x01020304), "a route without a list takes everyone");
        Assert.Equal(("web-canary", (ushort)8080, (byte)25, "x-canary", "blue"), (got.CanaryServices[0], got.CanaryPorts[0], got.CanaryWeights[0], got.CanaryHeaders[0], got.CanaryHeaderValues[0]));
        Assert.Equal(("shop", "cart-v2", (string?)null), (got.CanaryNamespaces[1], got.CanaryServices[1], got.CanaryHeaders[1]));
        Assert.Null(got.CanaryServices[2]);
        Assert.Same(held.Ingress, StatePayloads.Decode(StatePayloads.Encode(s), held)!.Ingress);

        routes.Annotations.CanaryWeights[1] = 50;
        Assert.NotSame(held.Ingress, StatePayloads.Decode(StatePayloads.Encode(s), held)!.Ingress); // a changed weight is a changed set
    }

    [Fact]
    public void Patterns_and_rewrite_targets_travel_with_their_routes_and_a_program_a_board_cannot_run_damages_the_state()
    {
        IngressRoutes routes = Routes(80);
        routes.Annotations = new RouteAnnotations(3, 0) { Rewrites = new RouteRewrites(3) };
        byte[] program = [PathPattern.Save, 0, PathPattern.Char, (byte)'/', PathPattern.Save, 1, PathPattern.Match];
        routes.Annotations.Rewrites.Programs[0] = program;
        routes.Annotations.Rewrites.Targets[0] = "/$1";
        routes.Annotations.Rewrites.Programs[1] = program;
        var s = new DesiredState { PodNetwork = 0x0AF40100, Ingress = routes };

        DesiredState held = StatePayloads.Decode(StatePayloads.Encode(s))!;
        RouteRewrites got = held.Ingress!.Annotations!.Rewrites!;
        Assert.Equal(program, got.Programs[0]);
        Assert.Equal(("/$1", (string?)null, (string?)null), (got.Targets[0], got.Targets[1], got.Targets[2]));
        Assert.Null(got.Programs[2]);
        Assert.Same(held.Ingress, StatePayloads.Decode(StatePayloads.Encode(s), held)!.Ingress);

        routes.Annotations.Rewrites.Programs[1] = [PathPattern.Any]; // runs off its end
        Assert.Null(StatePayloads.Decode(StatePayloads.Encode(s)));
    }
}
