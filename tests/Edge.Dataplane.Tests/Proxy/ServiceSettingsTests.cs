using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Proxy;

/// <summary>
/// A service's small settings share a few packed fields (each field costs a small board 12 bytes
/// per service): each reads back as written, and writing one leaves the others alone.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class ServiceSettingsTests
{
    [Fact]
    public void A_new_service_port_is_a_TCP_ClusterIP_with_the_default_three_hour_affinity_timeout_and_no_slot()
    {
        var service = new Service();

        Assert.Equal((ServiceType.ClusterIP, IpProtocol.Tcp, 10800, -1), (service.Type, (int)service.Protocol, service.AffinityTimeoutSeconds, service.Slot));
        Assert.False(service.ClientIpAffinity || service.InternalTrafficLocal || service.ExternalTrafficLocal);
    }

    [Fact]
    public void Every_setting_reads_back_as_written_at_the_ends_of_its_range()
    {
        var service = new Service
        {
            Type = ServiceType.LoadBalancer,
            Protocol = IpProtocol.Udp,
            Port = 65535,
            NodePort = 32767,
            ClientIpAffinity = true,
            AffinityTimeoutSeconds = 86400,
            InternalTrafficLocal = true,
            ExternalTrafficLocal = true,
        };
        var table = new ServiceTable(Service.MaxSlots);
        for (int i = 0; i < Service.MaxSlots - 1; i++)
        {
            table.Set(new Service { Name = "filler-" + i });
        }

        table.Set(service); // the last slot

        Assert.Equal((ServiceType.LoadBalancer, IpProtocol.Udp, (ushort)65535, (ushort)32767), (service.Type, (int)service.Protocol, service.Port, service.NodePort));
        Assert.Equal((86400, Service.MaxSlots - 1), (service.AffinityTimeoutSeconds, service.Slot));
        Assert.True(service.ClientIpAffinity && service.InternalTrafficLocal && service.ExternalTrafficLocal);

        service.AffinityTimeoutSeconds = 1;
        service.ClientIpAffinity = false;

        Assert.Equal((ServiceType.LoadBalancer, IpProtocol.Udp, (ushort)65535, (ushort)32767), (service.Type, (int)service.Protocol, service.Port, service.NodePort));
        Assert.Equal((1, Service.MaxSlots - 1), (service.AffinityTimeoutSeconds, service.Slot));
        Assert.True(!service.ClientIpAffinity && service.InternalTrafficLocal && service.ExternalTrafficLocal);
    }

    [Fact]
    public void An_affinity_timeout_beyond_Kubernetes_bounds_is_held_at_a_day()
    {
        var service = new Service { AffinityTimeoutSeconds = 1_000_000 };

        Assert.Equal(86400, service.AffinityTimeoutSeconds);
    }

    [Fact]
    public void A_table_larger_than_a_slot_can_name_is_held_at_the_largest_that_can()
    {
        var table = new ServiceTable(100_000);

        Assert.Equal(Service.MaxSlots, table.Capacity);
    }
}
