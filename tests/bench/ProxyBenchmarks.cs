using BenchmarkDotNet.Attributes;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;

namespace Edge.Bench;

/// <summary>
/// The ClusterIP path per packet at 10 and 10,000 services (the ratio should stay near 1:
/// a hash lookup, where iptables mode walks KUBE-SERVICES linearly), and the cost of applying
/// one endpoint change at 10 and 1,000 services. Baseline: copying the 60-byte packet back
/// (every iteration restores the pristine packet before the proxy rewrites it).
/// </summary>
[MemoryDiagnoser]
public class ProxyBenchmarks
{
    private sealed class Fixed : IRandomSource
    {
        private uint _x = 12345;

        public uint NextUInt32() => _x = _x * 1664525 + 1013904223;
    }

    private readonly byte[] _pristine = new byte[60];
    private readonly byte[] _packet = new byte[60];
    private ServiceProxy _proxy = null!;
    private Service _changing = null!;
    private int _flip;

    [Params(10, 1000, 10000)]
    public int Services;

    [GlobalSetup]
    public void Setup()
    {
        _proxy = new ServiceProxy(Services, 4096, 64, 0x0AF40101, 0x0AF40000, 16, ProxyMode.Random, new Fixed());
        for (int i = 0; i < Services; i++)
        {
            var s = new Service { Name = "svc-" + i, ClusterIp = 0x0A600000u + (uint)i + 1, Port = 80, Protocol = IpProtocol.Tcp };
            s.SetEndpoints([0x0AF40205u, 0x0AF40305u, 0x0AF40405u], [8080, 8080, 8080], [3, 3, 3]);
            _proxy.SetService(s);
        }

        _changing = _proxy.Services.Find("default", "svc-" + (Services / 2), "")!;
        uint vip = _changing.ClusterIp;

        // A SYN from a pod to the middle service, then established: an entry exists, packets ride it.
        var ip = new Ipv4Repr { Source = 0x0AF40107, Destination = vip, Protocol = IpProtocol.Tcp, Ttl = 64, PayloadLength = 20 };
        var tcp = new TcpRepr { SourcePort = 40000, DestinationPort = 80, SequenceNumber = 1, Flags = TcpFlags.Syn, Window = 65535 };
        tcp.Emit(_pristine, 34, ip.Source, ip.Destination);
        ip.Emit(_pristine, 14);
        Buffer.BlockCopy(_pristine, 0, _packet, 0, 60);
        _proxy.Prerouting(_packet, 14, 40, 0);
        _pristine[14 + 20 + 13] = TcpFlags.Ack; // later packets of the connection (checksum need not verify here)
    }

    [Benchmark(Baseline = true, Description = "restore the packet (baseline)")]
    public void Restore() => Buffer.BlockCopy(_pristine, 0, _packet, 0, 60);

    [Benchmark(Description = "established packet to a ClusterIP: conntrack + DNAT")]
    public HookVerdict EstablishedPacket()
    {
        Buffer.BlockCopy(_pristine, 0, _packet, 0, 60);
        return _proxy.Prerouting(_packet, 14, 40, 1);
    }

    [Benchmark(Description = "service lookup by (VIP, port, proto)")]
    public Service? Lookup() => _proxy.Services.Lookup(_changing.ClusterIp, 80, IpProtocol.Tcp);

    [Benchmark(Description = "apply one endpoint change")]
    public bool EndpointChange()
    {
        var s = new Service { Name = _changing.Name, ClusterIp = _changing.ClusterIp, Port = 80, Protocol = IpProtocol.Tcp };
        uint third = (_flip++ & 1) == 0 ? 0x0AF40405u : 0x0AF40505u;
        s.SetEndpoints([0x0AF40205u, 0x0AF40305u, third], [8080, 8080, 8080], [3, 3, 3]);
        return _proxy.SetService(s);
    }
}
