using Edge.Dataplane.Dns;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Proxy;
using Edge.Host.Compile;

namespace Edge.Host.Tests.Compile;

/// <summary>
/// Deltas: what the host computes between two states of a board, encoded as the board reads it
/// and merged into the state the board applied, must be the next state exactly; and small.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class StateDiffTests
{
    private static Service Svc(string name, int n, uint endpoints, string ns = "default")
    {
        var s = new Service { Namespace = ns, Name = name, PortName = "http", ClusterIp = 0x0A600000u + (uint)n, Port = 80 };
        uint[] addresses = Enumerable.Range(0, (int)endpoints).Select(i => 0x0AF40100u + (uint)(i + 2)).ToArray();
        s.SetEndpoints(addresses, addresses.Select(_ => (ushort)80).ToArray(), addresses.Select(_ => (byte)EndpointFlags.Ready).ToArray());
        return s;
    }

    private static DesiredState State(int services, uint endpoints = 2) => new()
    {
        Generation = 7,
        PodNetwork = 0x0AF40100,
        Peers = [new PeerSpec { Name = "node-2", PodNetwork = 0x0AF40200, PrefixLength = 24, Address = 0x7F000A02 }],
        Pods = [new PodSpec { Namespace = "default", Name = "web-1", Uid = "u1", Address = 0x0AF40102, Containers = ContainerSpec.One("whoami") }],
        Services = Enumerable.Range(0, services).Select(i => Svc($"svc-{i}", i + 10, endpoints)).ToArray(),
        DnsServices = Enumerable.Range(0, services).Select(i => new DnsService { Namespace = "default", Name = $"svc-{i}", ClusterIp = 0x0A600000u + (uint)(i + 10) }).ToArray(),
        ClusterPodAddresses = [0x0AF40102],
        ClusterPodNamespaces = ["default"],
    };

    /// <summary>Encodes the delta, then merges it on the board's side, and returns the merged state and the delta's size.</summary>
    private static (DesiredState Merged, int Bytes) RoundTrip(DesiredState acked, DesiredState next)
    {
        StateChange change = StateDiff.Compute(acked, next) ?? throw new InvalidOperationException("no delta");
        byte[] buffer = new byte[Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        StateDelta.Encode(acked.Generation, change.Flags, change.RemovedServices, change.RemovedDns, change.Changed, w);
        Assert.False(w.Overflow);
        var r = new PayloadReader();
        r.Begin(buffer, 0, w.Length);
        Assert.Equal(acked.Generation, StateDelta.BaseGeneration(buffer, 0, w.Length));
        DesiredState merged = StateDelta.Merge(StateRoundTrip(acked), r, out string? error) ?? throw new InvalidOperationException(error);
        return (merged, w.Length);
    }

    /// <summary>The board holds the state as it decoded it, not the host's objects.</summary>
    private static DesiredState StateRoundTrip(DesiredState s)
    {
        byte[] buffer = new byte[Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(s, w);
        var r = new PayloadReader();
        r.Begin(buffer, 0, w.Length);
        return StateCodec.Decode(r);
    }

    private static void AssertSameState(DesiredState expected, DesiredState actual)
    {
        // Services are compared as a set: a delta appends changed services after the ones it kept.
        string Canon(DesiredState s) => string.Join("|", s.Services.Select(x => Convert.ToHexString(StateDiff.Bytes(new DesiredState { Services = [x] }))).Order())
            + "#" + string.Join("|", s.DnsServices.Select(x => Convert.ToHexString(StateDiff.Bytes(new DesiredState { DnsServices = [x] }))).Order());
        Assert.Equal(expected.Generation, actual.Generation);
        Assert.Equal(Canon(expected), Canon(actual));
        var sectionsOnly = (DesiredState s) => new DesiredState
        {
            PodNetwork = s.PodNetwork, Peers = s.Peers, Pods = s.Pods, ClusterPodAddresses = s.ClusterPodAddresses, ClusterPodNamespaces = s.ClusterPodNamespaces,
            AllowEgress = s.AllowEgress, ProxyMode = s.ProxyMode, DnsUpstream = s.DnsUpstream,
        };
        Assert.Equal(StateDiff.Bytes(sectionsOnly(expected)), StateDiff.Bytes(sectionsOnly(actual)));
    }

    [Fact]
    public void One_changed_endpoint_travels_as_one_service_not_the_whole_table()
    {
        DesiredState acked = State(50);
        DesiredState next = State(50);
        next.Generation = 8;
        next.Services[17] = Svc("svc-17", 27, 3);

        (DesiredState merged, int bytes) = RoundTrip(acked, next);

        AssertSameState(next, merged);
        int full = StateDiff.Bytes(next).Length;
        Assert.True(bytes * 10 < full, $"delta {bytes} bytes vs snapshot {full}");
    }

    [Fact]
    public void Added_and_removed_services_pods_and_peers_all_arrive()
    {
        DesiredState acked = State(5);
        DesiredState next = State(5);
        next.Generation = 8;
        next.Services = next.Services.Where(s => s.Name != "svc-2").Append(Svc("new", 99, 1, ns: "shop")).ToArray();
        next.DnsServices = next.DnsServices.Where(d => d.Name != "svc-2").Append(new DnsService { Namespace = "shop", Name = "new", ClusterIp = 0x0A600063 }).ToArray();
        next.Pods = [.. next.Pods, new PodSpec { Namespace = "default", Name = "web-2", Uid = "u2", Address = 0x0AF40103, Containers = ContainerSpec.One("whoami") }];
        next.Peers = [new PeerSpec { Name = "node-3", PodNetwork = 0x0AF40300, PrefixLength = 24, Address = 0x7F000A03 }];
        next.ClusterPodAddresses = [0x0AF40102, 0x0AF40103];
        next.ClusterPodNamespaces = ["default", "default"];

        (DesiredState merged, _) = RoundTrip(acked, next);

        AssertSameState(next, merged);
        Assert.DoesNotContain(merged.Services, s => s.Name == "svc-2");
        Assert.DoesNotContain(merged.DnsServices, s => s.Name == "svc-2");
    }

    [Fact]
    public void Random_edits_always_merge_to_the_next_state()
    {
        var random = new Random(2026);
        for (int round = 0; round < 200; round++)
        {
            DesiredState acked = State(random.Next(0, 12), (uint)random.Next(0, 4));
            DesiredState next = State(0);
            next.Generation = 8;
            next.Services = acked.Services.Where(_ => random.Next(4) != 0)
                .Select(s => random.Next(3) == 0 ? Svc(s.Name, (int)(s.ClusterIp & 0xFF), (uint)random.Next(0, 5)) : s)
                .Concat(Enumerable.Range(0, random.Next(0, 3)).Select(i => Svc($"added-{round}-{i}", 200 + i, 1)))
                .ToArray();
            next.DnsServices = next.Services.Select(s => new DnsService { Namespace = s.Namespace, Name = s.Name, ClusterIp = s.ClusterIp }).ToArray();
            if (random.Next(2) == 0)
            {
                next.Pods = [];
            }

            (DesiredState merged, _) = RoundTrip(acked, next);
            AssertSameState(next, merged);
        }
    }

    [Fact]
    public void A_new_pod_CIDR_is_not_a_delta()
    {
        DesiredState next = State(3);
        next.PodNetwork = 0x0AF40900;

        Assert.Null(StateDiff.Compute(State(3), next));
    }

    [Fact]
    public void Changed_policies_travel_whole_and_unchanged_ones_stay_on_the_board()
    {
        static PolicySet Allow(string name, ushort port)
        {
            var set = new PolicySet(1, 1, 2, 1);
            set.AddPolicy(name, PolicyTypes.Ingress);
            set.AddSubject(0x0AF40102);
            set.AddRule(0);
            set.AddPeer(0x0AF40200, 24, except: false);
            set.AddPort(6, port, port, 0);
            return set;
        }

        DesiredState acked = State(2);
        acked.Policies = Allow("default/a", 80);
        DesiredState next = State(2);
        next.Generation = 8;
        next.Policies = Allow("default/a", 81);

        StateChange change = StateDiff.Compute(acked, next)!;
        Assert.Equal(StateDelta.PoliciesReplaced, change.Flags);
        (DesiredState merged, _) = RoundTrip(acked, next);
        Assert.Equal(StateDiff.Bytes(new DesiredState { Policies = next.Policies }), StateDiff.Bytes(new DesiredState { Policies = merged.Policies }));
        Assert.Null(merged.Policies!.Names); // a board names its policies by index; the host keeps the names

        // A renamed policy with the same rules is the same to a board: nothing travels.
        next.Policies = Allow("default/renamed", 80);
        Assert.Equal(0, StateDiff.Compute(acked, next)!.Flags);
        (merged, _) = RoundTrip(acked, next);
        Assert.Equal(StateDiff.Bytes(new DesiredState { Policies = acked.Policies }), StateDiff.Bytes(new DesiredState { Policies = merged.Policies }));

        next.Policies = null; // the last policy went
        Assert.Equal(StateDelta.PoliciesReplaced, StateDiff.Compute(acked, next)!.Flags);
        Assert.Null(RoundTrip(acked, next).Merged.Policies);
    }

    private static TlsCertificates Certificates(string host, byte keyByte)
    {
        var tls = new TlsCertificates(1, 1);
        tls.Chains[0] = System.Text.Encoding.ASCII.GetBytes($"-----BEGIN CERTIFICATE-----\n{host}\n-----END CERTIFICATE-----\n");
        tls.Keys[0] = [keyByte, 2, 3];
        tls.Hosts[0] = host;
        return tls;
    }

    [Fact]
    public void Changed_certificates_travel_whole_and_the_same_ones_do_not()
    {
        DesiredState acked = State(2);
        acked.Tls = Certificates("shop.example", 1);
        DesiredState next = State(2);
        next.Generation = 8;
        next.Tls = Certificates("shop.example", 1); // compiled afresh: other arrays, the same bytes

        Assert.Equal(0, StateDiff.Compute(acked, next)!.Flags);

        next.Tls = Certificates("shop.example", 9); // a renewed key
        StateChange renewed = StateDiff.Compute(acked, next)!;
        Assert.Equal(StateDelta.TlsReplaced, renewed.Flags);
        Assert.Same(next.Tls, renewed.Changed.Tls);

        next.Tls = null; // the last Secret went
        StateChange gone = StateDiff.Compute(acked, next)!;
        Assert.Equal(StateDelta.TlsReplaced, gone.Flags);
        Assert.Null(gone.Changed.Tls);
        Assert.True(StateDiff.SameTls(null, null));
    }
}
