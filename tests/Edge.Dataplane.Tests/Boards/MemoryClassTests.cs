using Edge.Dataplane.Boards;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Proxy;

namespace Edge.Dataplane.Tests.Boards;

/// <summary>What each memory class promises a workshop, and that its frames carry that much.</summary>
[Trait("Category", Category.Firmware)]
public sealed class MemoryClassTests
{
    [Fact]
    public void A_WROOM_board_holds_8_pods_32_services_48_flows_and_16_ingress_routes()
    {
        var c = new NodeConfig();
        MemoryClass.Apply(MemoryClass.Wroom, c);

        Assert.Equal((8, 32, 44), (c.MaxPods, c.MaxServices, c.ConntrackEntries));
        Assert.Equal((1, 16), (c.IngressConnections, c.MaxIngressRoutes));
        Assert.Equal((16, 64, 256), (c.MaxPolicies, c.MaxPolicyRules, c.MaxPolicyAddresses));
        Assert.Equal(64 * 1024, MemoryClass.BudgetBytes(MemoryClass.Wroom));
    }

    [Fact]
    public void A_WROOM_boards_MAC_table_has_an_entry_for_each_bridge_port_and_no_more()
    {
        var c = new NodeConfig();
        MemoryClass.Apply(MemoryClass.Wroom, c);

        // The bridge has a port per pod and one for the gateway; a port has one MAC, forgotten
        // when the port goes: a larger table could never be full of live entries.
        Assert.Equal(c.MaxPods + 1, c.MacEntries);
    }

    [Theory]
    [InlineData(MemoryClass.Wroom)]
    [InlineData(MemoryClass.Wrover)]
    [InlineData(MemoryClass.Large)]
    public void The_largest_state_a_class_can_run_crosses_in_parts_no_larger_than_its_frame_and_decodes_whole(int memoryClass)
    {
        var c = new NodeConfig();
        MemoryClass.Apply(memoryClass, c);
        int services = Math.Min(c.MaxServices, 256);
        var state = new DesiredState
        {
            Generation = 5,
            Pods = Enumerable.Range(0, c.MaxPods).Select(i => new PodSpec { Namespace = "default", Name = $"web-6d4b9c7f5-{i:x5}", Uid = Guid.NewGuid().ToString(), Address = 0x0AF40102u + (uint)i, Containers = ContainerSpec.One("whoami") }).ToArray(),
            Services = Enumerable.Range(0, services).Select(i =>
            {
                var s = new Service { Namespace = "default", Name = $"svc-{i}", PortName = "http", ClusterIp = 0x0A600010u + (uint)i, Port = 80 };
                s.SetEndpoints([0x0AF40102u, 0x0AF40202u], [80, 80], [(byte)EndpointFlags.Ready, (byte)EndpointFlags.Ready]);
                return s;
            }).ToArray(),
            DnsServices = Enumerable.Range(0, services).Select(i => new DnsService { Namespace = "default", Name = $"svc-{i}", ClusterIp = 0x0A600010u + (uint)i }).ToArray(),
        };
        byte[] body = new byte[StatePart.MaxParts * Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(body, 0, body.Length);
        StateCodec.Encode(state, w);
        int maxPayload = MemoryClass.MaxPayload(memoryClass);

        byte[][]? parts = StateParts.Split(body, 0, w.Length, delta: false, state.Generation, maxPayload, out string? problem);

        Assert.True(parts != null, $"{MemoryClass.Name(memoryClass)}: {services} services and {c.MaxPods} pods ({w.Length} bytes) do not cross in parts of {maxPayload} bytes: {problem}");
        Assert.All(parts, p => Assert.InRange(p.Length, 1, maxPayload));
        var receiver = new StateReceiver(maxPayload);
        var r = new PayloadReader();
        DesiredState? decoded = null;
        for (int i = 0; i < parts.Length; i++)
        {
            r.Begin(parts[i], 0, parts[i].Length);
            bool answered = receiver.Take(false, r, null, 0, null, null, out decoded, out string? error);
            Assert.Equal(i == parts.Length - 1, answered);
            Assert.Null(error);
        }

        Assert.Equal(body[..w.Length], Encoded(decoded!)); // the state the host encoded, whole
    }

    private static byte[] Encoded(DesiredState state)
    {
        byte[] buffer = new byte[StatePart.MaxParts * Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(state, w);
        return buffer[..w.Length];
    }
}
