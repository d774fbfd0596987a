using System.Text.Json.Nodes;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Wire;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Host.Compile;

/// <summary>
/// Turns NetworkPolicies (networking.k8s.io/v1) into the <see cref="PolicySet"/> one board
/// enforces, with the semantics of the Kubernetes documentation ("Network Policies",
/// https://kubernetes.io/docs/concepts/services-networking/network-policies/):
/// - a policy goes to a board only when its spec.podSelector selects a pod on that board (its
///   subjects: pods of the policy's namespace; an empty selector selects them all);
/// - policyTypes as written, else Ingress always and Egress when spec.egress has a rule;
///   rules of a direction the policy does not isolate are ignored;
/// - one rule per ingress[i] (egress[i]); `from`/`to` missing or empty allows every peer,
///   `ports` missing or empty every port of every protocol;
/// - a peer is an ipBlock (cidr, then its excepts), or pods: podSelector alone picks in the
///   policy's namespace, namespaceSelector alone every pod of the matching namespaces, both
///   together the matching pods of the matching namespaces; the peers of a rule add up;
///   pods of any node count, each one a /32;
/// - a port entry is a protocol (TCP by default) and a port: none means every port of the
///   protocol, a number (with endPort, a range), a name the number of that container port on
///   the destination pod: the selected pod for ingress, the peer pod for egress.
/// Namespaces carry kubernetes.io/metadata.name whatever their stored labels say. The cluster
/// DNS address counts as the CoreDNS pod (<see cref="ClusterDnsPod"/>). What Kubernetes would
/// refuse to store (a peer with no selector, an unparsable cidr or selector, endPort without a
/// numeric port) allows nothing here; a policy whose podSelector cannot be read selects no
/// pod (`edgectl apply` refuses both). A rule left with no peer or no port can allow nothing,
/// so it is left out (its policy still isolates). Everything comes out sorted, so the same
/// cluster always compiles to the same bytes.
/// </summary>
public static class NetworkPolicyCompiler
{
    /// <summary>The namespace of the pod the cluster DNS address counts as (CoreDNS' own).</summary>
    public const string DnsNamespace = "kube-system";

    /// <summary>The set for the board of <paramref name="nodeName"/>; null when no policy selects a pod of it (as DesiredState says "none").</summary>
    /// <param name="pods">The cluster's pods; those with a status.podIP that have not finished count, wherever they run.</param>
    /// <param name="dnsAddress">The cluster DNS service address (0: no DNS pod).</param>
    public static PolicySet? Compile(string nodeName, IReadOnlyList<KubeObject> pods, IReadOnlyList<KubeObject> namespaces,
        IReadOnlyList<KubeObject> policies, uint dnsAddress)
    {
        if (policies.Count == 0)
        {
            return null;
        }

        var cluster = new ClusterView(pods, namespaces, dnsAddress);
        var compiled = new List<CompiledPolicy>();
        foreach (KubeObject policy in policies.OrderBy(p => NamespaceOf(p), StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            if (CompilePolicy(policy, nodeName, cluster) is CompiledPolicy c)
            {
                compiled.Add(c);
            }
        }

        return compiled.Count == 0 ? null : Pack(compiled);
    }

    /// <summary>
    /// The pod the cluster DNS address stands for. On Edge every board answers the DNS service
    /// address itself; in Kubernetes those answers come from CoreDNS pods labelled
    /// k8s-app=kube-dns in kube-system with ports dns (53/UDP), dns-tcp (53/TCP) and metrics
    /// (9153/TCP). Seen as such a pod, the usual "allow DNS to kube-system/kube-dns" egress
    /// rules allow it, by labels and by port names alike.
    /// </summary>
    internal static PodView ClusterDnsPod(uint dnsAddress) => new(
        dnsAddress,
        DnsNamespace,
        NodeName: null,
        new Dictionary<string, string> { ["k8s-app"] = "kube-dns" },
        [new NamedPort("dns", IpProtocol.Udp, 53), new NamedPort("dns-tcp", IpProtocol.Tcp, 53), new NamedPort("metrics", IpProtocol.Tcp, 9153)]);

    private static CompiledPolicy? CompilePolicy(KubeObject policy, string nodeName, ClusterView cluster)
    {
        string ns = NamespaceOf(policy);
        JsonObject spec = policy.Spec ?? [];
        byte types = TypesOf(spec);

        // spec.podSelector: missing is the empty selector (every pod of the namespace).
        if (types == 0 || !TrySelector(spec["podSelector"], out LabelSelector? selector))
        {
            return null;
        }

        List<PodView> subjects = cluster.Pods
            .Where(p => p.NodeName == nodeName && p.Namespace == ns && (selector ?? LabelSelector.Everything).Matches(p.Labels))
            .DistinctBy(p => p.Address)
            .ToList();
        if (subjects.Count == 0)
        {
            return null; // enforced by the boards of the pods it selects
        }

        var rules = new List<CompiledRule>();
        foreach (var (type, field, egress) in new[] { (PolicyTypes.Ingress, "ingress", false), (PolicyTypes.Egress, "egress", true) })
        {
            if ((types & type) == 0)
            {
                continue;
            }

            foreach (JsonNode? rule in spec[field] as JsonArray ?? [])
            {
                // A null rule is the empty rule, {}; anything else but an object cannot be read.
                if (rule is null or JsonObject && CompileRule(rule, egress, ns, subjects, cluster) is CompiledRule r)
                {
                    rules.Add(r);
                }
            }
        }

        return new CompiledPolicy($"{ns}/{policy.Name}", types, subjects.Select(s => s.Address).ToArray(), rules);
    }

    /// <summary>policyTypes as written; when missing (or empty), Ingress, and Egress if there is an egress rule.</summary>
    private static byte TypesOf(JsonObject spec)
    {
        if (spec["policyTypes"] is JsonArray { Count: > 0 } listed)
        {
            byte types = 0;
            foreach (JsonNode? t in listed)
            {
                types |= Text(t) switch
                {
                    "Ingress" => PolicyTypes.Ingress,
                    "Egress" => PolicyTypes.Egress,
                    _ => 0,
                };
            }

            return types;
        }

        return (byte)(PolicyTypes.Ingress | (spec["egress"] is JsonArray { Count: > 0 } ? PolicyTypes.Egress : 0));
    }

    private static CompiledRule? CompileRule(JsonNode? rule, bool egress, string ns, List<PodView> subjects, ClusterView cluster)
    {
        byte flags = egress ? RuleFlags.Egress : (byte)0;
        var peers = new List<PeerBlock>();
        if (Field(rule, egress ? "to" : "from") is JsonArray { Count: > 0 } peerList)
        {
            var addresses = new SortedSet<uint>();
            foreach (JsonNode? peer in peerList)
            {
                if (Field(peer, "ipBlock") is JsonNode ipBlock)
                {
                    if (Field(peer, "podSelector") == null && Field(peer, "namespaceSelector") == null)
                    {
                        peers.AddRange(IpBlock(ipBlock));
                    }
                }
                else
                {
                    addresses.UnionWith(PeerPods(peer, ns, cluster).Select(p => p.Address));
                }
            }

            peers.AddRange(addresses.Select(a => new PeerBlock(a, 32, Except: false)));
            if (peers.Count == 0)
            {
                return null; // no peer: the rule allows nothing
            }
        }
        else
        {
            flags |= RuleFlags.AnyPeer;
        }

        var ports = new List<PortRange>();
        if (Field(rule, "ports") is JsonArray { Count: > 0 } portList)
        {
            // A named port is the destination's: the selected pod for ingress; for egress, the
            // pods the rule's peers allow (a port entry for any other pod could never match).
            IEnumerable<PodView> destinations = egress
                ? cluster.Pods.Where(p => (flags & RuleFlags.AnyPeer) != 0 || Covers(peers, p.Address))
                : subjects;
            var seen = new HashSet<PortRange>();
            foreach (JsonNode? entry in portList)
            {
                foreach (PortRange range in Ports(entry, destinations))
                {
                    if (seen.Add(range))
                    {
                        ports.Add(range);
                    }
                }
            }

            if (ports.Count == 0)
            {
                return null; // no port resolved: the rule allows nothing
            }
        }
        else
        {
            flags |= RuleFlags.AnyPort;
        }

        return new CompiledRule(flags, peers, ports);
    }

    /// <summary>The pods a podSelector/namespaceSelector peer picks; none for a peer Kubernetes would refuse.</summary>
    private static IEnumerable<PodView> PeerPods(JsonNode? peer, string ns, ClusterView cluster)
    {
        JsonNode? podNode = Field(peer, "podSelector"), nsNode = Field(peer, "namespaceSelector");
        if ((podNode == null && nsNode == null) || !TrySelector(podNode, out LabelSelector? pods) || !TrySelector(nsNode, out LabelSelector? namespaces))
        {
            return [];
        }

        return cluster.Pods.Where(p =>
            (namespaces == null ? p.Namespace == ns : namespaces.Matches(cluster.NamespaceLabels(p.Namespace)))
            && (pods ?? LabelSelector.Everything).Matches(p.Labels));
    }

    /// <summary>
    /// An ipBlock as its cidr then its excepts. IPv6 blocks never match an Edge pod's IPv4
    /// traffic (nothing); a cidr or except that does not parse makes the block allow nothing.
    /// </summary>
    private static IEnumerable<PeerBlock> IpBlock(JsonNode ipBlock)
    {
        string cidr = Text(Field(ipBlock, "cidr")) ?? "";
        if (cidr.Contains(':') || !TryParseCidr(cidr, out uint network, out int prefix))
        {
            return [];
        }

        var blocks = new List<PeerBlock> { new(network, prefix, Except: false) };
        foreach (JsonNode? except in Field(ipBlock, "except") as JsonArray ?? [])
        {
            string text = Text(except) ?? "";
            if (text.Contains(':'))
            {
                continue; // an IPv6 except takes nothing out of an IPv4 cidr
            }

            if (!TryParseCidr(text, out uint exceptNetwork, out int exceptPrefix))
            {
                return [];
            }

            blocks.Add(new PeerBlock(exceptNetwork, exceptPrefix, Except: true));
        }

        return blocks;
    }

    /// <summary>"a.b.c.d/n", host bits allowed and cleared (as Kubernetes long accepted them).</summary>
    private static bool TryParseCidr(string text, out uint network, out int prefix)
    {
        network = 0;
        prefix = 0;
        int slash = text.IndexOf('/');
        if (slash <= 0 || !Ipv4Address.TryParse(text[..slash], out uint address)
            || !int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix)
            || prefix > 32)
        {
            return false;
        }

        network = address & Ipv4Address.MaskOf(prefix);
        return true;
    }

    /// <summary>The port ranges of one entry of `ports`; none for an entry Kubernetes would refuse.</summary>
    private static IEnumerable<PortRange> Ports(JsonNode? entry, IEnumerable<PodView> destinations)
    {
        byte protocol = ProtocolNumber(Text(Field(entry, "protocol")) ?? "TCP");
        JsonNode? port = Field(entry, "port");
        JsonNode? endPort = Field(entry, "endPort");
        if (protocol == 0)
        {
            yield break;
        }

        if (port == null)
        {
            if (endPort == null)
            {
                yield return new PortRange(protocol, 0, 65535, 0);
            }

            yield break;
        }

        if (Text(port) is string name)
        {
            if (endPort != null)
            {
                yield break;
            }

            foreach (PodView pod in destinations.OrderBy(p => p.Address))
            {
                foreach (NamedPort p in pod.Ports)
                {
                    if (p.Name == name && p.Protocol == protocol)
                    {
                        yield return new PortRange(protocol, p.Number, p.Number, pod.Address);
                    }
                }
            }

            yield break;
        }

        if (JsonNumbers.AsInt(port) is not int first || first is < 1 or > 65535)
        {
            yield break;
        }

        int last = endPort == null ? first : JsonNumbers.AsInt(endPort) ?? -1;
        if (last < first || last > 65535)
        {
            yield break;
        }

        yield return new PortRange(protocol, (ushort)first, (ushort)last, 0);
    }

    /// <summary>The IP protocol number of a NetworkPolicy protocol; 0 for anything Kubernetes refuses.</summary>
    internal static byte ProtocolNumber(string protocol) => protocol switch
    {
        "TCP" => IpProtocol.Tcp,
        "UDP" => IpProtocol.Udp,
        "SCTP" => 132,
        _ => 0,
    };

    /// <summary>Whether the blocks hold the address, as the board matches them: an include, and none of its excepts.</summary>
    private static bool Covers(List<PeerBlock> blocks, uint address)
    {
        for (int i = 0; i < blocks.Count;)
        {
            bool inside = Ipv4Address.InPrefix(address, blocks[i].Network, blocks[i].Prefix);
            int j = i + 1;
            for (; j < blocks.Count && blocks[j].Except; j++)
            {
                inside &= !Ipv4Address.InPrefix(address, blocks[j].Network, blocks[j].Prefix);
            }

            if (inside)
            {
                return true;
            }

            i = j;
        }

        return false;
    }

    /// <summary>A selector field: missing is null (the caller says what that means); false when it cannot be read.</summary>
    private static bool TrySelector(JsonNode? node, out LabelSelector? selector)
    {
        selector = null;
        if (node == null)
        {
            return true;
        }

        try
        {
            selector = LabelSelector.FromJson(node);
            return selector != null;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            return false; // an unknown operator, or a value that is not a string
        }
    }

    /// <summary>A field of an object; null when missing or when the node is not an object.</summary>
    private static JsonNode? Field(JsonNode? node, string name) => (node as JsonObject)?[name];

    /// <summary>A string field; null when missing or not a string.</summary>
    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private static string NamespaceOf(KubeObject o) => o.Namespace.Length == 0 ? "default" : o.Namespace;

    /// <summary>The set at its exact size, filled in order.</summary>
    private static PolicySet Pack(List<CompiledPolicy> policies)
    {
        var set = new PolicySet(
            policies.Count,
            policies.Sum(p => p.Rules.Count),
            policies.Sum(p => p.Subjects.Length + p.Rules.Sum(r => r.Peers.Count)), // subjects and peer blocks share the address table
            policies.Sum(p => p.Rules.Sum(r => r.Ports.Count)));
        foreach (CompiledPolicy policy in policies)
        {
            set.AddPolicy(policy.Name, policy.Types);
            foreach (uint subject in policy.Subjects)
            {
                set.AddSubject(subject);
            }

            foreach (CompiledRule rule in policy.Rules)
            {
                set.AddRule(rule.Flags);
                foreach (PeerBlock peer in rule.Peers)
                {
                    set.AddPeer(peer.Network, peer.Prefix, peer.Except);
                }

                foreach (PortRange port in rule.Ports)
                {
                    set.AddPort(port.Protocol, port.First, port.Last, port.Destination);
                }
            }
        }

        return set;
    }

    internal sealed record NamedPort(string Name, byte Protocol, ushort Number);

    /// <summary>What policies need of a pod: where it is, its namespace and labels, its named container ports.</summary>
    internal sealed record PodView(uint Address, string Namespace, string? NodeName, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<NamedPort> Ports);

    private sealed record CompiledPolicy(string Name, byte Types, uint[] Subjects, List<CompiledRule> Rules);

    private sealed record CompiledRule(byte Flags, List<PeerBlock> Peers, List<PortRange> Ports);

    private readonly record struct PeerBlock(uint Network, int Prefix, bool Except);

    private readonly record struct PortRange(byte Protocol, ushort First, ushort Last, uint Destination);

    /// <summary>Every pod with an address (any node), the DNS pod, and every namespace's labels.</summary>
    private sealed class ClusterView
    {
        private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _namespaceLabels = new(StringComparer.Ordinal);

        public ClusterView(IReadOnlyList<KubeObject> pods, IReadOnlyList<KubeObject> namespaces, uint dnsAddress)
        {
            var views = pods
                .Where(p => BoardStateCompiler.PodAddress(p) != 0 && (string?)(p.Json["status"] as JsonObject)?["phase"] is not ("Succeeded" or "Failed"))
                .Select(p => new PodView(BoardStateCompiler.PodAddress(p), NamespaceOf(p), (string?)p.Spec?["nodeName"], p.Labels, NamedPorts(p)))
                .ToList();
            if (dnsAddress != 0)
            {
                views.Add(ClusterDnsPod(dnsAddress));
            }

            Pods = views.OrderBy(p => p.Address).ThenBy(p => p.Namespace, StringComparer.Ordinal).ToList();
            foreach (KubeObject ns in namespaces)
            {
                _namespaceLabels[ns.Name] = WithNameLabel(ns.Labels, ns.Name);
            }
        }

        public List<PodView> Pods { get; }

        /// <summary>A namespace's labels, with kubernetes.io/metadata.name (also for a namespace no object describes).</summary>
        public IReadOnlyDictionary<string, string> NamespaceLabels(string ns)
        {
            if (!_namespaceLabels.TryGetValue(ns, out IReadOnlyDictionary<string, string>? labels))
            {
                labels = _namespaceLabels[ns] = WithNameLabel(new Dictionary<string, string>(), ns);
            }

            return labels;
        }

        private static Dictionary<string, string> WithNameLabel(IReadOnlyDictionary<string, string> labels, string name) =>
            new(labels, StringComparer.Ordinal) { [ObjectStore.NamespaceNameLabel] = name };

        private static List<NamedPort> NamedPorts(KubeObject pod)
        {
            var ports = new List<NamedPort>();
            foreach (JsonNode? container in pod.Spec?["containers"] as JsonArray ?? [])
            {
                foreach (JsonNode? port in Field(container, "ports") as JsonArray ?? [])
                {
                    if (Text(Field(port, "name")) is string { Length: > 0 } name
                        && JsonNumbers.AsInt(Field(port, "containerPort")) is int number and >= 1 and <= 65535
                        && ProtocolNumber(Text(Field(port, "protocol")) ?? "TCP") is byte protocol and not 0)
                    {
                        ports.Add(new NamedPort(name, protocol, (ushort)number));
                    }
                }
            }

            return ports;
        }
    }
}
