using System.Text.Json.Nodes;

namespace Edge.Host.Objects;

/// <summary>
/// The controller annotations Ingresses carry (ingress-nginx's, the old generic ones, Traefik's)
/// and which of them Edge acts on. A manifest written for another controller keeps working on
/// Edge where its routes are plain, but its annotations would silently do nothing: `describe
/// ingress` lists them as ignored, so nobody waits for a rewrite or an auth check that never comes.
/// </summary>
public static class IngressAnnotations
{
    /// <summary>The prefixes of the annotations that ask an ingress controller for something.</summary>
    public static readonly IReadOnlyList<string> ControllerPrefixes =
        ["nginx.ingress.kubernetes.io/", "ingress.kubernetes.io/", "traefik.ingress.kubernetes.io/"];

    /// <summary>
    /// The controller annotations Edge's dataplane implements, by their full names. Empty for now:
    /// the dataplane routes by host and path and implements none yet; each one it learns is added
    /// here, and from then on is no longer reported as ignored.
    /// </summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The controller annotations of an Ingress that Edge does not act on, sorted.</summary>
    public static List<string> Ignored(KubeObject ingress) =>
        (ingress.Metadata["annotations"] as JsonObject ?? [])
            .Select(a => a.Key)
            .Where(k => ControllerPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)) && !Supported.Contains(k))
            .Order(StringComparer.Ordinal)
            .ToList();
}
