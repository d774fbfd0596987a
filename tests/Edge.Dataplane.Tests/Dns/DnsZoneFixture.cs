using Edge.Dataplane.Dns;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;

namespace Edge.Dataplane.Tests.Dns;

/// <summary>The zone the table-driven tests ask about.</summary>
public static class DnsZoneFixture
{
    public static uint Ip(string text)
    {
        Assert.True(Ipv4Address.TryParse(text, out uint address));
        return address;
    }

    public static DnsServer Server(bool canForward = false, bool fromServiceTable = false)
    {
        var table = new ServiceTable(16);
        var zone = new DnsZone("cluster.local", 5, 64, 64, fromServiceTable ? new ServicePortsForDns(table) : null);
        if (fromServiceTable)
        {
            table.Set(new Service { Name = "web", PortName = "http", ClusterIp = Ip("10.96.0.20"), Port = 80, Protocol = IpProtocol.Tcp });
            table.Set(new Service { Name = "web", PortName = "metrics", ClusterIp = Ip("10.96.0.20"), Port = 9090, Protocol = IpProtocol.Tcp });
            table.Set(new Service { Namespace = "kube-system", Name = "kube-dns", PortName = "dns", ClusterIp = Ip("10.96.0.10"), Port = 53, Protocol = IpProtocol.Udp });
            table.Set(new Service { Namespace = "kube-system", Name = "kube-dns", PortName = "dns-tcp", ClusterIp = Ip("10.96.0.10"), Port = 53, Protocol = IpProtocol.Tcp });
        }
        else
        {
            Assert.True(zone.SetService(new DnsService
            {
                Name = "web", ClusterIp = Ip("10.96.0.20"),
                PortNames = ["http", "metrics"], PortProtocols = [IpProtocol.Tcp, IpProtocol.Tcp], PortNumbers = [80, 9090],
            }));
            Assert.True(zone.SetService(new DnsService
            {
                Namespace = "kube-system", Name = "kube-dns", ClusterIp = Ip("10.96.0.10"),
                PortNames = ["dns", "dns-tcp"], PortProtocols = [IpProtocol.Udp, IpProtocol.Tcp], PortNumbers = [53, 53],
            }));
        }

        Assert.True(zone.SetService(new DnsService
        {
            Name = "db",
            PortNames = ["mysql"], PortProtocols = [IpProtocol.Tcp], PortNumbers = [3306],
            EndpointAddresses = [Ip("10.244.1.5"), Ip("10.244.2.6"), Ip("10.244.3.7")],
            EndpointHostnames = ["db-0", null!, "db-2"],
            EndpointReady = [true, true, false],
            EndpointPorts = [3306, 3307, 3306],
        }));
        Assert.True(zone.SetService(new DnsService { Name = "ext", ExternalName = "db.example.com" }));
        Assert.True(zone.SetPod(Ip("10.244.1.5"), "default"));
        Assert.True(zone.SetPod(Ip("10.244.2.9"), "shop"));
        return new DnsServer(zone)
        {
            ServiceNetwork = Ip("10.96.0.0"), ServicePrefix = 16,
            PodNetwork = Ip("10.244.0.0"), PodPrefix = 16,
            CanForward = canForward,
        };
    }

    public static DnsMessages.Response Ask(DnsServer server, byte[] query, bool tcp = false)
    {
        byte[] response = new byte[65535];
        int n = server.Answer(query, 0, query.Length, response, 0, response.Length, tcp);
        Assert.True(n > 0, $"no answer ({n})");
        return DnsMessages.Parse(response[..n]);
    }
}
