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
    public void The_largest_state_a_class_can_run_fits_in_one_of_its_frames(int memoryClass)
    {
        var c = new NodeConfig();
        MemoryClass.Apply(memoryClass, c);
        int services = Math.Min(c.MaxServices, 256);
        var state = new DesiredState
        {
            Pods = Enumerable.Range(0, c.MaxPods).Select(i => new PodSpec { Namespace = "default", Name = $"web-6d4b9c7f5-{i:x5}", Uid = Guid.NewGuid().ToString(), Address = 0x0AF40102u + (uint)i, Containers = ContainerSpec.One("whoami") }).ToArray(),
            Services = Enumerable.Range(0, services).Select(i =>
            {
                var s = new Service { Namespace = "default", Name = $"svc-{i}", PortName = "http", ClusterIp = 0x0A600010u + (uint)i, Port = 80 };
                s.SetEndpoints([0x0AF40102u, 0x0AF40202u], [80, 80], [(byte)EndpointFlags.Ready, (byte)EndpointFlags.Ready]);
                return s;
            }).ToArray(),
            DnsServices = Enumerable.Range(0, services).Select(i => new DnsService { Namespace = "default", Name = $"svc-{i}", ClusterIp = 0x0A600010u + (uint)i }).ToArray(),
        };
        byte[] buffer = new byte[Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, MemoryClass.MaxPayload(memoryClass));

        StateCodec.Encode(state, w);

        Assert.False(w.Overflow, $"{MemoryClass.Name(memoryClass)}: {services} services and {c.MaxPods} pods do not fit in {MemoryClass.MaxPayload(memoryClass)} bytes");
    }
}
