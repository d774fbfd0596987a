using Edge.Dataplane.Dns;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;
using static Edge.Dataplane.Tests.Dns.DnsZoneFixture;

namespace Edge.Dataplane.Tests.Dns;

/// <summary>
/// The zone finds ClusterIP services in the node's service table through an index by name that
/// follows the table: a service set after a query is answered by the next one, a removed one is
/// gone, and a service's ports come back in the table's order however the names collide.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class ServiceTableLookupTests
{
    private static DnsServer Server(ServiceTable table) => new(new DnsZone("cluster.local", 5, 4, 4, new ServicePortsForDns(table)));

    [Fact]
    public void A_service_set_or_removed_after_a_query_is_seen_by_the_next_query()
    {
        var table = new ServiceTable(8);
        table.Set(new Service { Name = "web", PortName = "http", ClusterIp = Ip("10.96.0.20"), Port = 80 });
        DnsServer server = Server(table);
        Assert.Equal(["web.default.svc.cluster.local. 5 IN A 10.96.0.20"], Ask(server, DnsMessages.Query("web.default.svc.cluster.local.", DnsType.A)).Answer);
        Assert.Equal(DnsRcode.NXDomain, Ask(server, DnsMessages.Query("api.shop.svc.cluster.local.", DnsType.A)).Rcode);

        table.Set(new Service { Namespace = "shop", Name = "api", PortName = "http", ClusterIp = Ip("10.96.0.30"), Port = 80 });
        table.Remove("default", "web", "http");

        Assert.Equal(["api.shop.svc.cluster.local. 5 IN A 10.96.0.30"], Ask(server, DnsMessages.Query("api.shop.svc.cluster.local.", DnsType.A)).Answer);
        Assert.Equal(DnsRcode.NXDomain, Ask(server, DnsMessages.Query("web.default.svc.cluster.local.", DnsType.A)).Rcode);
        Assert.Equal(["30.0.96.10.in-addr.arpa. 5 IN PTR api.shop.svc.cluster.local."], Ask(server, DnsMessages.Query("30.0.96.10.in-addr.arpa.", DnsType.PTR)).Answer);
    }

    [Fact]
    public void Every_port_of_every_service_is_found_in_a_full_table()
    {
        // A full table: every bucket chain is as long as it gets, names collide in the index.
        var table = new ServiceTable(16);
        for (int s = 0; s < 8; s++)
        {
            table.Set(new Service { Name = "svc-" + s, PortName = "a", ClusterIp = Ip("10.96.1." + s), Port = 1000, Protocol = IpProtocol.Tcp });
            table.Set(new Service { Name = "svc-" + s, PortName = "b", ClusterIp = Ip("10.96.1." + s), Port = 2000, Protocol = IpProtocol.Udp });
        }

        DnsServer server = Server(table);
        for (int s = 0; s < 8; s++)
        {
            string service = $"svc-{s}.default.svc.cluster.local.";
            Assert.Equal([$"{service} 5 IN A 10.96.1.{s}"], Ask(server, DnsMessages.Query(service, DnsType.A)).Answer);
            Assert.Equal([$"_a._tcp.{service} 5 IN SRV 0 100 1000 {service}"], Ask(server, DnsMessages.Query("_a._tcp." + service, DnsType.SRV)).Answer);
            Assert.Equal([$"_b._udp.{service} 5 IN SRV 0 100 2000 {service}"], Ask(server, DnsMessages.Query("_b._udp." + service, DnsType.SRV)).Answer);
        }
    }
}
