using System.Text.Json.Nodes;

namespace Edge.Host.Objects;

/// <summary>
/// Which Ingresses are Edge's to serve, decided as ingress-nginx decides which are its own: by
/// the IngressClass an Ingress names (spec.ingressClassName, or the legacy annotation
/// <c>kubernetes.io/ingress.class</c>) and that class's spec.controller; an Ingress naming no
/// class is served when one of Edge's classes is the cluster's default. An Ingress naming a
/// class that does not exist (or no longer does) is nobody's, as on Kubernetes.
/// </summary>
public static class IngressClasses
{
    /// <summary>The class the control plane creates at start (<see cref="Cluster.DefaultIngressClass"/>).</summary>
    public const string EdgeClassName = "edge";

    /// <summary>Edge's spec.controller: a domain-prefixed path in Edge's own API domain, as Kubernetes asks of controller names.</summary>
    public const string Controller = "edge.dev/ingress-controller";

    /// <summary>The annotation that marks the cluster's default IngressClass (value "true").</summary>
    public const string DefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

    /// <summary>The class name as Ingresses wrote it before spec.ingressClassName (networking.k8s.io/v1beta1).</summary>
    public const string LegacyClassAnnotation = "kubernetes.io/ingress.class";

    /// <summary>
    /// True when this Ingress is Edge's to serve: spec.ingressClassName names an IngressClass whose
    /// spec.controller is Edge's, or (no ingressClassName and no legacy
    /// <c>kubernetes.io/ingress.class</c> annotation) some IngressClass of Edge's controller is
    /// marked default; the legacy annotation naming an Edge class counts as the class name.
    /// </summary>
    public static bool ServedByEdge(KubeObject ingress, IReadOnlyList<KubeObject> ingressClasses)
    {
        string? className = ClassNameOf(ingress);
        if (className != null)
        {
            return ingressClasses.Any(c => c.Name == className && IsEdges(c));
        }

        return ingressClasses.Any(c => IsEdges(c) && IsDefault(c));
    }

    /// <summary>
    /// What Kubernetes' DefaultIngressClass admission plugin does to an Ingress being created
    /// without a class: spec.ingressClassName becomes the default IngressClass's name (the newest,
    /// if several are marked). An Ingress naming a class, by field or legacy annotation, keeps it.
    /// </summary>
    public static void AdmitDefaultClass(KubeObject ingress, IReadOnlyList<KubeObject> ingressClasses)
    {
        if (ClassNameOf(ingress) != null
            || ingressClasses.Where(IsDefault).OrderByDescending(c => (string?)c.Metadata["creationTimestamp"] ?? "", StringComparer.Ordinal).FirstOrDefault() is not { } chosen)
        {
            return;
        }

        if (ingress.Json["spec"] is not JsonObject spec)
        {
            ingress.Json["spec"] = spec = [];
        }

        spec["ingressClassName"] = chosen.Name;
    }

    /// <summary>The class an Ingress names: spec.ingressClassName, else the legacy annotation; null when it names none.</summary>
    public static string? ClassNameOf(KubeObject ingress)
    {
        if ((string?)ingress.Spec?["ingressClassName"] is { Length: > 0 } name)
        {
            return name;
        }

        return (string?)ingress.Metadata["annotations"]?[LegacyClassAnnotation] is { Length: > 0 } legacy ? legacy : null;
    }

    /// <summary>Whether an IngressClass is the default one (its annotation says "true", as the DefaultIngressClass admission plugin reads it).</summary>
    public static bool IsDefault(KubeObject ingressClass) =>
        (string?)ingressClass.Metadata["annotations"]?[DefaultClassAnnotation] == "true";

    private static bool IsEdges(KubeObject ingressClass) => (string?)ingressClass.Spec?["controller"] == Controller;
}
