using Edge.Dataplane.Dns;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Mgmt;

[Trait("Category", Category.Unit)]
public sealed class StateCodecTests
{
    /// <summary>What one of three boards gets for 50 services and 20 pods (7 of them its own).</summary>
    public static DesiredState Workshop(uint generation = 42)
    {
        const byte ready = EndpointFlags.Ready | EndpointFlags.Serving;
        var pods = Enumerable.Range(0, 20).Select(i => new PodSpec
        {
            Namespace = i % 2 == 0 ? "default" : "shop", Name = $"web-7d4b9c5f6-{i:x5}", Uid = Guid.NewGuid().ToString(),
            Address = Ipv4Address.FromOctets(10, 244, 1 + i % 3, 2 + i), Containers = ContainerSpec.One(i % 4 == 0 ? "whoami" : "toolbox"),
        }).ToArray();
        var services = Enumerable.Range(0, 50).Select(i =>
        {
            var s = new Service
            {
                Namespace = i % 2 == 0 ? "default" : "shop", Name = $"svc-{i}", PortName = "http", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 20 + i),
                Port = 80, Protocol = IpProtocol.Tcp, Type = i % 10 == 0 ? ServiceType.NodePort : ServiceType.ClusterIP, NodePort = (ushort)(i % 10 == 0 ? 30000 + i : 0),
            };
            var endpoints = pods.Skip(i % 18).Take(3).ToArray();
            s.SetEndpoints(endpoints.Select(p => p.Address).ToArray(), endpoints.Select(_ => (ushort)8080).ToArray(),
                endpoints.Select(_ => ready).ToArray());
            return s;
        }).ToArray();
        return new DesiredState
        {
            Generation = generation,
            PodNetwork = Ipv4Address.FromOctets(10, 244, 1, 0),
            Peers = [new PeerSpec { Name = "node-2", PodNetwork = Ipv4Address.FromOctets(10, 244, 2, 0), Address = Ipv4Address.FromOctets(127, 0, 10, 2) },
                     new PeerSpec { Name = "node-3", PodNetwork = Ipv4Address.FromOctets(10, 244, 3, 0), Address = Ipv4Address.FromOctets(127, 0, 10, 3) }],
            Pods = pods.Where(p => Ipv4Address.InPrefix(p.Address, Ipv4Address.FromOctets(10, 244, 1, 0), 24)).ToArray(),
            Services = services,
            DnsServices = services.Select(s => new DnsService
            {
                Namespace = s.Namespace, Name = s.Name, ClusterIp = s.ClusterIp,
                PortNames = ["http"], PortProtocols = [IpProtocol.Tcp], PortNumbers = [80],
            }).ToArray(),
            ClusterPodAddresses = pods.Select(p => p.Address).ToArray(),
            ClusterPodNamespaces = pods.Select(p => p.Namespace).ToArray(),
            Policies = Policies(80),
        };
    }

    [Fact]
    public void A_snapshot_decodes_to_what_was_encoded()
    {
        DesiredState sent = Workshop();
        byte[] payload = StatePayloads.Encode(sent);

        DesiredState got = StatePayloads.Decode(payload)!;

        Assert.NotNull(got);
        Assert.Equal(payload, StatePayloads.Encode(got)); // a second encoding of the decoded state is byte-identical
        Assert.Equal(42u, got.Generation);
        Assert.Equal(sent.Pods.Select(p => (p.Namespace, p.Name, p.Uid, p.Address, p.Image)), got.Pods.Select(p => (p.Namespace, p.Name, p.Uid, p.Address, p.Image)));
        Assert.Equal(sent.Services[10].NodePort, got.Services[10].NodePort);
        Assert.Equal(sent.Services[3].EndpointAddresses, got.Services[3].EndpointAddresses);
        Assert.Equal("node-3", got.Peers[1].Name);
    }

    private static PolicySet Policies(ushort port)
    {
        var set = new PolicySet(2, 2, 5, 2);
        set.AddPolicy("x/deny", PolicyTypes.Ingress | PolicyTypes.Egress);
        set.AddSubject(0x0AF40102);
        set.AddPolicy("x/allow", PolicyTypes.Ingress);
        set.AddSubject(0x0AF40102);
        set.AddRule(0);
        set.AddPeer(0x0AF40000, 16, false);
        set.AddPeer(0x0AF40300, 24, true);
        set.AddPort(IpProtocol.Tcp, port, (ushort)(port + 1), 0x0AF40102);
        set.AddRule(RuleFlags.Egress | RuleFlags.AnyPort);
        set.AddPeer(0xC0A80000, 16, false); // outside the cluster network: a long varint
        set.AddPort(IpProtocol.Udp, 53, 53, 0);
        return set;
    }

    [Fact]
    public void Policies_decode_to_what_was_encoded_without_their_names_and_an_unchanged_set_is_kept()
    {
        var s = new DesiredState { PodNetwork = 0x0AF40100, Policies = Policies(80) };
        DesiredState held = StatePayloads.Decode(StatePayloads.Encode(s))!;
        PolicySet set = held.Policies!;
        Assert.Null(set.Names);
        Assert.Equal((2, 2, 5, 2), (set.PolicyCount, set.RuleCount, set.AddressCount, set.PortCount));
        Assert.Equal([0x0AF40102u, 0x0AF40102u, 0x0AF40000u, 0x0AF40300u, 0xC0A80000u], set.Addresses);
        Assert.Equal([16, 24 | PolicySet.ExceptBit, 16], set.Prefixes.Skip(2));
        Assert.Equal((80, 81, 0x0AF40102u), (set.PortFirst[0], set.PortLast[0], set.PortDestinations[0]));
        Assert.Equal(0u, set.PortDestinations[1]);
        Assert.True(PolicyEvaluator.Allows(set, false, 0x0AF40102, 0x0AF40205, IpProtocol.Tcp, 81, new PolicyDecision()));
        Assert.False(PolicyEvaluator.Allows(set, false, 0x0AF40102, 0x0AF40305, IpProtocol.Tcp, 81, new PolicyDecision()));

        var r = new PayloadReader();
        byte[] again = StatePayloads.Encode(s);
        r.Begin(again, 0, again.Length);
        Assert.Same(set, StateCodec.Decode(r, held, null)!.Policies); // a resync makes no second set

        byte[] changed = StatePayloads.Encode(new DesiredState { PodNetwork = 0x0AF40100, Policies = Policies(8080) });
        r.Begin(changed, 0, changed.Length);
        PolicySet next = StateCodec.Decode(r, held, null)!.Policies!;
        Assert.NotSame(set, next);
        Assert.Equal(8080, next.PortFirst[0]);
    }

    [Fact]
    public void A_board_snapshot_of_50_services_and_20_pods_crosses_115200_baud_in_about_a_second()
    {
        byte[] payload = StatePayloads.Encode(Workshop());
        int frame = Frame.HeaderLength + payload.Length + Frame.TrailerLength;

        Assert.True(frame <= 11_520, $"{frame} bytes: {frame * 10.0 / 115200:F2} s at 115200 8N1");
    }

    [Fact]
    public void Every_truncation_and_random_corruption_is_refused_or_decoded_never_thrown()
    {
        byte[] payload = StatePayloads.Encode(Workshop());
        for (int length = 0; length < payload.Length; length += 7)
        {
            Assert.Null(StatePayloads.Decode(payload[..length]));
        }

        Properties.Check(FsCheck.Fluent.Gen.Choose(0, payload.Length - 1), at =>
        {
            byte[] damaged = (byte[])payload.Clone();
            damaged[at] ^= 0x5A;
            StatePayloads.Decode(damaged); // refused or decoded to something else, but no exception
        }, maxTests: 1000);
    }
}
