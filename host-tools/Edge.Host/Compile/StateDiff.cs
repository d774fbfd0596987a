using Edge.Dataplane.Dns;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Proxy;

namespace Edge.Host.Compile;

/// <summary>What changed for one board between the state it acknowledged and the next: the parts of a Delta.</summary>
public sealed record StateChange(int Flags, string[] RemovedServices, string[] RemovedDns, DesiredState Changed);

/// <summary>
/// Compares two compiled states of one board section by section, and service by service,
/// through their encoded bytes (so "changed" means "the board would see a difference"); the
/// TLS certificates by their own bytes (<see cref="SameTls"/>).
/// Node-level settings that differ mean a rebuild on the board: no delta then, a snapshot.
/// </summary>
public static class StateDiff
{
    public static StateChange? Compute(DesiredState acked, DesiredState next)
    {
        if (Bytes(NodeSettings(acked)).AsSpan().SequenceEqual(Bytes(NodeSettings(next))) == false)
        {
            return null;
        }

        DesiredState changed = NodeSettings(next);
        changed.Generation = next.Generation;
        int flags = 0;
        if (!Same(new DesiredState { Peers = acked.Peers }, new DesiredState { Peers = next.Peers }))
        {
            flags |= StateDelta.PeersReplaced;
            changed.Peers = next.Peers;
        }

        if (!Same(new DesiredState { Pods = acked.Pods }, new DesiredState { Pods = next.Pods }))
        {
            flags |= StateDelta.PodsReplaced;
            changed.Pods = next.Pods;
        }

        if (!Same(new DesiredState { ClusterPodAddresses = acked.ClusterPodAddresses, ClusterPodNamespaces = acked.ClusterPodNamespaces },
                  new DesiredState { ClusterPodAddresses = next.ClusterPodAddresses, ClusterPodNamespaces = next.ClusterPodNamespaces }))
        {
            flags |= StateDelta.ClusterPodsReplaced;
            changed.ClusterPodAddresses = next.ClusterPodAddresses;
            changed.ClusterPodNamespaces = next.ClusterPodNamespaces;
        }

        if (!Same(new DesiredState { Policies = acked.Policies }, new DesiredState { Policies = next.Policies }))
        {
            flags |= StateDelta.PoliciesReplaced;
            changed.Policies = next.Policies;
        }

        if (!Same(new DesiredState { Ingress = acked.Ingress }, new DesiredState { Ingress = next.Ingress }))
        {
            flags |= StateDelta.IngressReplaced;
            changed.Ingress = next.Ingress;
        }

        if (!SameTls(acked.Tls, next.Tls))
        {
            flags |= StateDelta.TlsReplaced;
            changed.Tls = next.Tls;
        }

        var before = acked.Services.GroupBy(s => (s.Namespace, s.Name)).ToDictionary(g => g.Key, g => Bytes(new DesiredState { Services = g.ToArray() }));
        var upserts = new List<Service>();
        var seen = new HashSet<(string, string)>();
        foreach (var group in next.Services.GroupBy(s => (s.Namespace, s.Name)))
        {
            seen.Add(group.Key);
            if (!before.TryGetValue(group.Key, out byte[]? old) || !old.AsSpan().SequenceEqual(Bytes(new DesiredState { Services = group.ToArray() })))
            {
                upserts.AddRange(group);
            }
        }

        changed.Services = upserts.ToArray();
        string[] removedServices = before.Keys.Where(k => !seen.Contains(k)).SelectMany(k => new[] { k.Namespace, k.Name }).ToArray();

        var dnsBefore = acked.DnsServices.ToDictionary(d => (d.Namespace, d.Name), d => Bytes(new DesiredState { DnsServices = [d] }));
        var dnsUpserts = new List<DnsService>();
        var dnsSeen = new HashSet<(string, string)>();
        foreach (DnsService entry in next.DnsServices)
        {
            dnsSeen.Add((entry.Namespace, entry.Name));
            if (!dnsBefore.TryGetValue((entry.Namespace, entry.Name), out byte[]? old) || !old.AsSpan().SequenceEqual(Bytes(new DesiredState { DnsServices = [entry] })))
            {
                dnsUpserts.Add(entry);
            }
        }

        changed.DnsServices = dnsUpserts.ToArray();
        string[] removedDns = dnsBefore.Keys.Where(k => !dnsSeen.Contains(k)).SelectMany(k => new[] { k.Namespace, k.Name }).ToArray();
        return new StateChange(flags, removedServices, removedDns, changed);
    }

    // One encoding buffer per thread: a diff encodes every service on its own, and 16 KB each time adds up.
    [ThreadStatic]
    private static byte[]? _buffer;

    /// <summary>The state's encoding with its generation left out: what "the same state" means.</summary>
    public static byte[] Bytes(DesiredState state)
    {
        uint generation = state.Generation;
        state.Generation = 0;
        byte[] buffer = _buffer ??= new byte[Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(state, w);
        state.Generation = generation;
        return buffer.AsSpan(0, w.Length).ToArray();
    }

    private static bool Same(DesiredState a, DesiredState b) => Bytes(a).AsSpan().SequenceEqual(Bytes(b));

    /// <summary>
    /// Whether two TLS sections hold the same certificates for the same names, byte for byte:
    /// compared directly rather than through the encoding, which costs a copy of every key and
    /// chain to say the same (and says nothing where the codec leaves the section out).
    /// </summary>
    public static bool SameTls(TlsCertificates? a, TlsCertificates? b) =>
        a == null ? b == null : a.SameAs(b!);

    /// <summary>A state with only the node-level settings of <paramref name="s"/> (and empty sections).</summary>
    private static DesiredState NodeSettings(DesiredState s) => new()
    {
        PodNetwork = s.PodNetwork,
        PodPrefixLength = s.PodPrefixLength,
        ClusterNetwork = s.ClusterNetwork,
        ClusterPrefixLength = s.ClusterPrefixLength,
        ServiceNetwork = s.ServiceNetwork,
        ServicePrefixLength = s.ServicePrefixLength,
        DnsAddress = s.DnsAddress,
        ClusterDomain = s.ClusterDomain,
        DnsUpstream = s.DnsUpstream,
        ProxyMode = s.ProxyMode,
        AllowEgress = s.AllowEgress,
    };
}
