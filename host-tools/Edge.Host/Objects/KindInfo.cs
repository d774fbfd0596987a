namespace Edge.Host.Objects;

/// <summary>A resource kind Edge keeps: its API version, scope, and the names kubectl users type for it.</summary>
public sealed record KindInfo(string Kind, string ApiVersion, bool Namespaced, string Plural, params string[] ShortNames)
{
    public static readonly KindInfo[] All =
    [
        new("Namespace", "v1", false, "namespaces", "ns"),
        new("Node", "v1", false, "nodes", "no"),
        new("Pod", "v1", true, "pods", "po"),
        new("Service", "v1", true, "services", "svc"),
        new("Endpoints", "v1", true, "endpoints", "ep"),
        new("Secret", "v1", true, "secrets"),
        new("ConfigMap", "v1", true, "configmaps", "cm"),
        new("Event", "v1", true, "events", "ev"),
        new("LimitRange", "v1", true, "limitranges", "limits"),
        new("Deployment", "apps/v1", true, "deployments", "deploy"),
        new("ReplicaSet", "apps/v1", true, "replicasets", "rs"), // a deployment's revisions, written by its controller
        new("NetworkPolicy", "networking.k8s.io/v1", true, "networkpolicies", "netpol"),
        new("Ingress", "networking.k8s.io/v1", true, "ingresses", "ing"),
        new("IngressClass", "networking.k8s.io/v1", false, "ingressclasses"),
        new("EndpointSlice", "discovery.k8s.io/v1", true, "endpointslices"),

        // Edge's own: a Linux host (or namespace) joined to the pod network with `edgectl overlay join`.
        new("OverlayPeer", "edge.dev/v1", false, "overlaypeers", "op"),
    ];

    /// <summary>The kind for a name as kubectl accepts it: "pods", "pod", "po", "Pod", "deployments.apps".</summary>
    public static KindInfo? Find(string name)
    {
        string n = name.ToLowerInvariant();
        int dot = n.IndexOf('.');
        if (dot > 0)
        {
            n = n[..dot];
        }

        return All.FirstOrDefault(k => k.Kind.ToLowerInvariant() == n || k.Plural == n || k.Plural == n + "s" || k.ShortNames.Contains(n));
    }

    public static KindInfo? ForKind(string kind) => All.FirstOrDefault(k => k.Kind == kind);
}
