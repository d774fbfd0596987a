using Edge.Dataplane.Proxy;
using Edge.Dataplane.Tests.Simulation;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Proxy;

/// <summary>A fixed service table and connection table for the golden view tests.</summary>
public static class ViewScenario
{
    public static uint Ip(string text)
    {
        Assert.True(Ipv4Address.TryParse(text, out uint address));
        return address;
    }

    public static ServiceProxy Build(bool conntrackAccounting = true)
    {
        var proxy = new ServiceProxy(8, 16, 8, Ip("10.244.1.1"), Ip("10.244.0.0"), 16, ProxyMode.Random, new SimRandom(1), conntrackAccounting);
        const byte ready = EndpointFlags.Ready | EndpointFlags.Serving;

        var web = new Service { Namespace = "shop", Name = "web", PortName = "http", ClusterIp = Ip("10.96.0.20"), Port = 80, Protocol = IpProtocol.Tcp, Type = ServiceType.NodePort, NodePort = 30080 };
        web.SetEndpoints([Ip("10.244.1.5"), Ip("10.244.2.5"), Ip("10.244.3.5")], [8080, 8080, 8080],
            [ready, ready, EndpointFlags.Serving | EndpointFlags.Terminating]);
        proxy.SetService(web);

        var dns = new Service { Namespace = "kube-system", Name = "dns", PortName = "dns", ClusterIp = Ip("10.96.0.10"), Port = 53, Protocol = IpProtocol.Udp, ClientIpAffinity = true, AffinityTimeoutSeconds = 60 };
        dns.SetEndpoints([Ip("10.244.1.3")], [53], [ready]);
        proxy.SetService(dns);

        var empty = new Service { Namespace = "shop", Name = "cart", ClusterIp = Ip("10.96.0.30"), Port = 8080, Protocol = IpProtocol.Tcp };
        proxy.SetService(empty);

        Conntrack c = proxy.Conntrack;
        int tcp = c.Create(IpProtocol.Tcp, Ip("10.244.1.7"), 40000, Ip("10.96.0.20"), 80, Ip("10.244.2.5"), 8080, Ip("10.244.1.7"), 40000, web.Slot, 0);
        c.Observe(tcp, false, TcpFlags.Syn, 60, 0);
        c.Observe(tcp, true, TcpFlags.Syn | TcpFlags.Ack, 60, 1);
        c.Observe(tcp, false, TcpFlags.Ack, 52, 2);
        int udp = c.Create(IpProtocol.Udp, Ip("10.250.0.2"), 5353, Ip("10.96.0.10"), 53, Ip("10.244.1.3"), 53, Ip("10.244.1.1"), 5353, dns.Slot, 0);
        c.Observe(udp, false, 0, 60, 0);
        return proxy;
    }
}
