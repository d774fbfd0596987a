using System.Text.Json.Nodes;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Wire;
using Edge.Host.Allocation;
using Edge.Host.Compile;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Cli.Commands.Policy;

/// <summary>The cluster's objects a check reads: what the control plane compiles each board's policies from.</summary>
public sealed record PolicyCluster(
    IReadOnlyList<KubeObject> Pods,
    IReadOnlyList<KubeObject> Namespaces,
    IReadOnlyList<KubeObject> NetworkPolicies,
    IReadOnlyList<KubeObject> Nodes,
    IReadOnlyList<KubeObject> Services,
    IReadOnlyList<KubeObject> Endpoints,
    uint DnsAddress)
{
    /// <summary>
    /// The control plane's address plan: ControlPlane runs on ClusterNetwork's defaults (nothing
    /// configures it), so the cluster DNS address and pod network are those.
    /// </summary>
    public static readonly ClusterNetwork Network = new();
}

/// <summary>
/// `edgectl policy check`: whether a connection is allowed, decided by the code the boards run.
/// For each end that is a pod, the policy set its board gets is compiled here as the control
/// plane compiles it (<see cref="NetworkPolicyCompiler"/>, from the same objects) and asked as
/// the board's engine asks it (<see cref="PolicyEngine"/>'s Decide): the source's egress on the
/// source's board, the destination's ingress on the destination's board, unless the source is
/// the destination's own node (its gateway .1 or VTEP .0 address). A Service is checked after
/// kube-proxy's DNAT, as the boards check it: once per ready endpoint, on the endpoint's port.
/// </summary>
public sealed class PolicyCheck(PolicyCluster cluster)
{
    private readonly Dictionary<string, PolicySet?> _sets = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Policy, string Node), List<(string Field, int Index)>> _survivors = [];

    public PolicyCheckResult Check(PeerArgument from, PeerArgument to, PortArgument port)
    {
        Party source = from.Kind switch
        {
            PeerKind.Service => throw new CliException(
                $"FROM svc/{from.Name}: a Service sends nothing, its pods do; give one of them (`edgectl get endpoints {from.Name} -n {from.Namespace}`)"),
            PeerKind.Pod => PodParty(from.Namespace, from.Name),
            _ => AddressParty(from.Address),
        };

        KubeObject? service = to.Kind switch
        {
            PeerKind.Service => cluster.Services.FirstOrDefault(s => Party.NamespaceOf(s) == to.Namespace && s.Name == to.Name)
                ?? throw new CliException($"services \"{to.Name}\" not found in namespace {to.Namespace}"),
            PeerKind.Address => ServiceAt(to.Address),
            _ => null,
        };
        if (service != null)
        {
            return CheckService(source, service, port);
        }

        Party destination = to.Kind == PeerKind.Pod ? PodParty(to.Namespace, to.Name) : AddressParty(to.Address);
        return new PolicyCheckResult(source, destination, null, port, [Connect(source, destination, port)]);
    }

    /// <summary>Both sides, each decided where the board decides it.</summary>
    private ConnectionVerdict Connect(Party from, Party to, PortArgument port)
    {
        if (from.IsPod && to.IsPod && from.Address == to.Address)
        {
            return new ConnectionVerdict(to, port, new SideVerdict(true, from, to, SideOutcome.SamePod), new SideVerdict(false, to, from, SideOutcome.SamePod));
        }

        SideVerdict egress = !from.IsPod ? new SideVerdict(true, from, to, SideOutcome.NotAPod)
            : IsNodeAddress(to.Address, from.Node) ? new SideVerdict(true, from, to, SideOutcome.ToOwnNode)
            : Evaluate(egress: true, from, to, port);
        SideVerdict ingress = !to.IsPod ? new SideVerdict(false, to, from, SideOutcome.NotAPod)
            : IsNodeAddress(from.Address, to.Node) ? new SideVerdict(false, to, from, SideOutcome.FromOwnNode)
            : Evaluate(egress: false, to, from, port);
        return new ConnectionVerdict(to, port, egress, ingress);
    }

    /// <summary>PolicyEvaluator.Allows on the subject's board's set, and what the decision says about why.</summary>
    private SideVerdict Evaluate(bool egress, Party subject, Party peer, PortArgument port)
    {
        string node = subject.Node!;
        PolicySet? set = SetFor(node);
        var decision = new PolicyDecision();
        bool allowed = set == null || PolicyEvaluator.Allows(set, egress, subject.Address, peer.Address, port.Protocol, port.Port, decision);
        if (set == null || !decision.Isolated)
        {
            return new SideVerdict(egress, subject, peer, SideOutcome.NotIsolated);
        }

        if (allowed)
        {
            return new SideVerdict(egress, subject, peer, SideOutcome.AllowedByRule, set.Names[decision.Policy], RuleOf(set, decision.Policy, decision.Rule, node));
        }

        byte type = egress ? PolicyTypes.Egress : PolicyTypes.Ingress;
        List<string> isolating = Enumerable.Range(0, set.PolicyCount)
            .Where(p => (set.Types[p] & type) != 0 && set.Selects(p, subject.Address))
            .Select(p => set.Names[p])
            .ToList();
        return new SideVerdict(egress, subject, peer, SideOutcome.Denied, IsolatedBy: isolating);
    }

    /// <summary>The set the node's board gets (null: no policy selects a pod there), compiled once per check.</summary>
    private PolicySet? SetFor(string node)
    {
        if (!_sets.TryGetValue(node, out PolicySet? set))
        {
            set = _sets[node] = NetworkPolicyCompiler.Compile(node, cluster.Pods, cluster.Namespaces, cluster.NetworkPolicies, cluster.DnsAddress);
        }

        return set;
    }

    /// <summary>
    /// The compiled rule as the policy's Nth, and where it is written. The compiler keeps a
    /// policy's rules in order (ingress[] then egress[], each only when policyTypes has its
    /// direction) but leaves out rules that can match nothing (no peer or no port resolved),
    /// so the spec index is found by compiling each written rule alone, with the same selector
    /// on the same node, and counting those that survive.
    /// </summary>
    private RuleReference RuleOf(PolicySet set, int policy, int rule, string node)
    {
        int number = rule - set.FirstRuleOf(policy) + 1;
        KubeObject? written = cluster.NetworkPolicies.FirstOrDefault(p => $"{Party.NamespaceOf(p)}/{p.Name}" == set.Names[policy]);
        if (!_survivors.TryGetValue((set.Names[policy], node), out List<(string Field, int Index)>? kept))
        {
            kept = _survivors[(set.Names[policy], node)] = written == null ? [] : SurvivingRules(written, set.Types[policy], node);
        }

        return kept.Count == set.RuleCountOf(policy) && number <= kept.Count
            ? new RuleReference(number, kept[number - 1].Field, kept[number - 1].Index)
            : new RuleReference(number, null, -1);
    }

    private List<(string Field, int Index)> SurvivingRules(KubeObject policy, byte types, string node)
    {
        var kept = new List<(string, int)>();
        foreach ((byte type, string field, string typeName) in new[] { (PolicyTypes.Ingress, "ingress", "Ingress"), (PolicyTypes.Egress, "egress", "Egress") })
        {
            if ((types & type) == 0)
            {
                continue;
            }

            JsonArray rules = policy.Spec?[field] as JsonArray ?? [];
            for (int i = 0; i < rules.Count; i++)
            {
                KubeObject probe = policy.Clone();
                JsonObject spec = probe.Spec ?? (JsonObject)(probe.Json["spec"] = new JsonObject());
                spec.Remove("ingress");
                spec.Remove("egress");
                spec["policyTypes"] = new JsonArray(typeName);
                spec[field] = new JsonArray(rules[i]?.DeepClone());
                if (NetworkPolicyCompiler.Compile(node, cluster.Pods, cluster.Namespaces, [probe], cluster.DnsAddress) is { RuleCount: 1 })
                {
                    kept.Add((field, i));
                }
            }
        }

        return kept;
    }

    /// <summary>
    /// A Service, as the boards see a connection to it: kube-proxy's DNAT first (an endpoint of
    /// the port, ready ones only, on the source's node only with internalTrafficPolicy Local),
    /// then the policy on the endpoint and its port.
    /// </summary>
    private PolicyCheckResult CheckService(Party from, KubeObject service, PortArgument port)
    {
        string ns = Party.NamespaceOf(service);
        string label = $"{ns}/{service.Name}";
        JsonObject spec = service.Spec ?? [];
        if ((string?)spec["type"] == "ExternalName")
        {
            throw new CliException($"service {label} is an ExternalName ({(string?)spec["externalName"]}): its clients resolve it and connect to that name's address; check that address");
        }

        if (!Ipv4Address.TryParse((string?)spec["clusterIP"] ?? "", out uint clusterIp))
        {
            throw new CliException($"service {label} is headless (no ClusterIP): its clients connect to its pods directly; check one of them (`edgectl get endpoints {service.Name} -n {ns}`)");
        }

        if (!from.IsPod)
        {
            throw new CliException($"FROM {from.Label} is not a pod: a connection from outside the pods to a Service is masqueraded to the gateway of the node it enters, " +
                $"and its endpoints see that address; check an endpoint directly (`edgectl get endpoints {service.Name} -n {ns}`, then `edgectl policy check ADDRESS POD --port TARGETPORT`)");
        }

        JsonNode? servicePort = (spec["ports"] as JsonArray ?? []).FirstOrDefault(p =>
            JsonNumbers.AsInt(p?["port"]) == port.Port && ((string?)p?["protocol"] ?? "TCP") == port.ProtocolName);
        if (servicePort == null)
        {
            throw new CliException($"service {label} has no port {port.Port}/{port.ProtocolName} (it has {ResourceColumns.ServicePorts(service)}); --port is the Service's port");
        }

        var target = new ServiceTarget(ns, service.Name, clusterIp, (string?)spec["internalTrafficPolicy"] == "Local");
        string portName = (string?)servicePort["name"] ?? "";
        KubeObject? endpoints = cluster.Endpoints.FirstOrDefault(e => Party.NamespaceOf(e) == ns && e.Name == service.Name);
        var connections = new List<ConnectionVerdict>();
        foreach (JsonNode? subset in endpoints?.Json["subsets"] as JsonArray ?? [])
        {
            // As BoardStateCompiler picks an endpoint's port: the subset's port of the service port's name.
            JsonNode? endpointPort = (subset?["ports"] as JsonArray)?.FirstOrDefault(p => ((string?)p?["name"] ?? "") == portName);
            if (JsonNumbers.AsInt(endpointPort?["port"]) is not (int number and >= 1 and <= 65535))
            {
                continue;
            }

            foreach (JsonNode? address in subset?["addresses"] as JsonArray ?? [])
            {
                if (!Ipv4Address.TryParse((string?)address?["ip"] ?? "", out uint ip) || (target.LocalOnly && (string?)address?["nodeName"] != from.Node))
                {
                    continue;
                }

                var to = AddressParty(ip);
                var toPort = new PortArgument((ushort)number, port.Protocol);
                connections.Add(to.Address == from.Address ? Hairpin(from, toPort) : Connect(from, to, toPort));
            }
        }

        if (connections.Count == 0)
        {
            throw new CliException($"service {label} has no ready endpoints for port {port.Port}/{port.ProtocolName}" +
                $"{(target.LocalOnly ? $" on {from.Node} (internalTrafficPolicy: Local)" : "")}: the board refuses the connection before any policy is asked");
        }

        return new PolicyCheckResult(from, null, target, port, connections);
    }

    /// <summary>A pod reaching itself through its Service: kube-proxy masquerades it to the node's gateway, which the pod's ingress always takes.</summary>
    private ConnectionVerdict Hairpin(Party pod, PortArgument port)
    {
        uint gateway = NodeNetwork(pod.Node) is uint network ? network + 1 : 0;
        var seenAs = new Party(gateway, null, $"{pod.Node}'s gateway");
        return new ConnectionVerdict(pod, port, new SideVerdict(true, pod, pod, SideOutcome.Hairpin), new SideVerdict(false, pod, seenAs, SideOutcome.FromOwnNode));
    }

    private Party PodParty(string ns, string name)
    {
        KubeObject pod = cluster.Pods.FirstOrDefault(p => Party.NamespaceOf(p) == ns && p.Name == name)
            ?? throw new CliException($"pods \"{name}\" not found in namespace {ns}");
        string phase = (string?)pod.Json["status"]?["phase"] ?? "Pending";
        if (phase is "Succeeded" or "Failed")
        {
            throw new CliException($"pod {ns}/{name} has finished ({phase}): it sends and takes nothing, and no board holds a policy for it");
        }

        uint address = BoardStateCompiler.PodAddress(pod);
        if (address == 0 || (string?)pod.Spec?["nodeName"] is not { Length: > 0 })
        {
            throw new CliException($"pod {ns}/{name} has no IP yet ({phase}): no board runs it, so no board has a policy for it; wait for it (`edgectl get pod {name} -n {ns} -w`)");
        }

        return new Party(address, pod, "");
    }

    /// <summary>An address: the pod that holds it if a running pod does (the boards see addresses, not names), else what it is.</summary>
    private Party AddressParty(uint address)
    {
        KubeObject? pod = cluster.Pods.FirstOrDefault(p => BoardStateCompiler.PodAddress(p) == address && (string?)p.Spec?["nodeName"] is { Length: > 0 }
            && (string?)p.Json["status"]?["phase"] is not ("Succeeded" or "Failed"));
        return pod != null ? new Party(address, pod, "") : new Party(address, null, Describe(address));
    }

    private string Describe(uint address)
    {
        if (address == cluster.DnsAddress)
        {
            return "the cluster DNS address, answered by the pod's own board";
        }

        foreach (KubeObject node in cluster.Nodes)
        {
            if (NodeNetwork(node.Name) is uint network && (address == network || address == network + 1))
            {
                return $"{node.Name}'s {(address == network ? "VTEP" : "gateway")}";
            }

            if (address == BoardStateCompiler.BoardAddress(node))
            {
                return $"{node.Name}'s board address";
            }
        }

        return Ipv4Address.InPrefix(address, PolicyCluster.Network.PodNetwork, PolicyCluster.Network.PodPrefix)
            ? "in the pod network, but no running pod holds it"
            : "outside the cluster";
    }

    /// <summary>The Service whose ClusterIP this is (not the cluster DNS address, which every board answers itself).</summary>
    private KubeObject? ServiceAt(uint address) => address == cluster.DnsAddress ? null : cluster.Services.FirstOrDefault(s =>
        Ipv4Address.TryParse((string?)s.Spec?["clusterIP"] ?? "", out uint ip) && ip == address);

    /// <summary>Whether the address is the node's own on the pod network: its VTEP (.0) or its gateway (.1), as PolicyEngine and Gateway test it.</summary>
    private bool IsNodeAddress(uint address, string? node) => NodeNetwork(node) is uint network && (address == network || address == network + 1);

    private uint? NodeNetwork(string? node)
    {
        KubeObject? n = cluster.Nodes.FirstOrDefault(x => x.Name == node);
        return n != null && Ipv4Address.TryParseCidr((string?)n.Spec?["podCIDR"] ?? "", out uint network, out _) ? network : null;
    }
}
