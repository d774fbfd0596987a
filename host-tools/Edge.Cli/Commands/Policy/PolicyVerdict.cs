using Edge.Dataplane.Wire;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Policy;

/// <summary>
/// One end of a connection as the boards see it: an address, and the pod holding it when one
/// does (the boards isolate addresses; a pod is how a person names one).
/// </summary>
/// <param name="Description">For an address that is not a pod, what it is ("outside the cluster", "node-1's gateway").</param>
public sealed record Party(uint Address, KubeObject? Pod, string Description)
{
    public bool IsPod => Pod != null;

    public string? Node => (string?)Pod?.Spec?["nodeName"];

    /// <summary>"x/a" for a pod, the dotted quad for anything else.</summary>
    public string Label => Pod != null ? $"{NamespaceOf(Pod)}/{Pod.Name}" : Ipv4Address.Format(Address);

    public static string NamespaceOf(KubeObject o) => o.Namespace.Length == 0 ? "default" : o.Namespace;
}

/// <summary>How one side (the source's egress, the destination's ingress) decided.</summary>
public enum SideOutcome
{
    /// <summary>This end is not a pod: no board holds a policy for it.</summary>
    NotAPod,

    /// <summary>No policy selecting the pod has this direction in its policyTypes: anything passes.</summary>
    NotIsolated,

    /// <summary>Isolated, and a rule of a policy selecting the pod allows it.</summary>
    AllowedByRule,

    /// <summary>Isolated, and no rule of any policy selecting the pod allows it.</summary>
    Denied,

    /// <summary>Ingress from the pod's own node (its gateway .1 or VTEP .0 address): always allowed.</summary>
    FromOwnNode,

    /// <summary>Egress to the pod's own node: the board takes it before its policy hook.</summary>
    ToOwnNode,

    /// <summary>A pod reaching itself through its own Service: masqueraded to its node's gateway, so its egress is never asked.</summary>
    Hairpin,

    /// <summary>A pod to its own address: the traffic never leaves the pod.</summary>
    SamePod,
}

/// <summary>Where the rule that allowed a connection sits in its policy.</summary>
/// <param name="Number">1-based position among the policy's rules as the board holds them (ingress rules, then egress rules, less those that can match nothing).</param>
/// <param name="Field">"ingress" or "egress": where the rule is written; null when it could not be mapped back.</param>
/// <param name="Index">Its index in spec.ingress / spec.egress; -1 when it could not be mapped back.</param>
public sealed record RuleReference(int Number, string? Field, int Index);

/// <summary>One side's answer, with the facts behind it.</summary>
/// <param name="Subject">The pod the question is about: the source for egress, the destination for ingress.</param>
/// <param name="Peer">The other end, as the subject's board sees it (after DNAT and any masquerade).</param>
/// <param name="Policy">The policy ("ns/name") whose rule allowed it.</param>
/// <param name="IsolatedBy">Denied: every policy isolating the subject in this direction.</param>
public sealed record SideVerdict(bool Egress, Party Subject, Party Peer, SideOutcome Outcome, string? Policy = null, RuleReference? Rule = null,
    IReadOnlyList<string>? IsolatedBy = null)
{
    public bool Allows => Outcome != SideOutcome.Denied;

    public string Direction => Egress ? "egress" : "ingress";
}

/// <summary>One connection a board would see: to a pod or address (for a Service, to one of its endpoints), on a port.</summary>
public sealed record ConnectionVerdict(Party To, PortArgument Port, SideVerdict Egress, SideVerdict Ingress)
{
    public bool Allowed => Egress.Allows && Ingress.Allows;
}

/// <summary>The Service TO named, when it did: its connections are one per ready endpoint.</summary>
/// <param name="LocalOnly">internalTrafficPolicy: Local, so only the endpoints on the source's node count.</param>
public sealed record ServiceTarget(string Namespace, string Name, uint ClusterIp, bool LocalOnly)
{
    public string Label => $"{Namespace}/{Name}";
}

/// <summary>The answer to `policy check FROM TO --port P`.</summary>
/// <param name="To">The pod or address TO named; null when it named a Service (then see <paramref name="Service"/>).</param>
public sealed record PolicyCheckResult(Party From, Party? To, ServiceTarget? Service, PortArgument Port, IReadOnlyList<ConnectionVerdict> Connections)
{
    /// <summary>Every connection allowed: through a Service, whichever endpoint a connection gets.</summary>
    public bool Allowed => Connections.All(c => c.Allowed);
}
