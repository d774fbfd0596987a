using System.Text.Json.Nodes;
using Edge.Dataplane.Ingress;
using Edge.Host.Objects;

namespace Edge.Host.Compile;

/// <summary>
/// Turns the Ingresses Edge serves (<see cref="IngressClasses.ServedByEdge"/>) into the routes
/// every board matches: one per rule host and path, and one for a defaultBackend, each with its
/// backend Service port resolved to a number (a named port through the Service's spec.ports).
/// A backend whose Service or port name does not exist keeps port 0: the board answers 503, as
/// ingress-nginx does for a Service it cannot find. Older Ingresses come first, so on a tie the
/// older rule wins, and the oldest defaultBackend is the one taken. Resource backends are not
/// served (validation says so). ingress-nginx's allowlist, canary and HTTPS redirect annotations
/// travel with the routes (<see cref="Annotations"/>), and so do its regular-expression paths and
/// rewrite-target: each path of an Ingress using them (<see cref="IngressAnnotations.RegexHosts"/>)
/// goes as the program <see cref="PathRegexCompiler"/> makes of it, with its target.
/// <para>
/// Where ingress-nginx and Edge differ, on purpose: when any Ingress for a host uses regular
/// expressions, ingress-nginx makes every path of that host, in every Ingress, a case-insensitive
/// regular expression (its docs' "IMPORTANT NOTES" under Ingress Path Matching), so one team's
/// annotation turns another's Prefix /api into ^/api, which also takes /apix and /API. Edge makes
/// only the annotated Ingress's own paths patterns: the others keep their Kubernetes meaning. The
/// board orders a host's routes as before, longest path string first (Exact before Prefix on a
/// tie), as ingress-nginx orders its regex locations (tried in order, so the longest matching one
/// wins): among patterns the two choose alike, and a pattern and a plain path compete by length.
/// </para>
/// </summary>
public static class IngressRouteCompiler
{
    public static IngressRoutes? Compile(IReadOnlyList<KubeObject> ingresses, IReadOnlyList<KubeObject> ingressClasses, IReadOnlyList<KubeObject> services)
    {
        var routes = new List<Route>();
        List<KubeObject> served = ServedInOrder(ingresses, ingressClasses).ToList();
        foreach (KubeObject ingress in served.Where(i => !IngressAnnotations.IsCanary(i)))
        {
            routes.AddRange(RoutesOf(ingress, services));
            if (Backend(ingress.Spec?["defaultBackend"], ingress.Namespace, services) is var (defaultService, defaultPort))
            {
                routes.Add(new Route("", "", PathType.Default, ingress.Namespace, defaultService, defaultPort, ingress));
            }
        }

        if (routes.Count == 0)
        {
            return null;
        }

        var compiled = new IngressRoutes(routes.Count);
        foreach (Route r in routes)
        {
            compiled.Add(r.Host, r.Path, r.Type, r.Namespace, r.Service, r.Port);
        }

        compiled.Annotations = Annotations(routes, served.Where(IngressAnnotations.IsCanary).ToList(), TlsHosts(served), services);
        return compiled;
    }

    /// <summary>The Ingresses Edge serves (canaries too), oldest first: the order their routes, and their certificates, take.</summary>
    public static IEnumerable<KubeObject> ServedInOrder(IReadOnlyList<KubeObject> ingresses, IReadOnlyList<KubeObject> ingressClasses) =>
        ingresses.Where(i => IngressClasses.ServedByEdge(i, ingressClasses))
            .OrderBy(i => (string?)i.Metadata["creationTimestamp"] ?? "", StringComparer.Ordinal)
            .ThenBy(i => i.Namespace, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal);

    /// <summary>
    /// The hosts TLS is enabled for, as ingress-nginx decides it (controller.go createServers, then
    /// lua certificate.configured_for_current_request): a rule's host is a server, and a server
    /// has a certificate when any Ingress (not a canary) with a rule for that host has a spec.tls
    /// entry, whether or not the entry lists the host (an unlisted host, or a Secret that is
    /// missing, gets the default certificate, and is still TLS-enabled). So a tls entry without
    /// hosts covers the Ingress's own rule hosts, and one Ingress's TLS enables it for another's
    /// rules on the same host. A rule without a host (the catch-all server) is never TLS-enabled:
    /// ingress-nginx looks the request's own host up, and finds no certificate for it there.
    /// </summary>
    private static HashSet<string> TlsHosts(IEnumerable<KubeObject> served) =>
        served.Where(i => !IngressAnnotations.IsCanary(i) && IngressTls.Wanted(i)).SelectMany(IngressTls.RuleHosts).ToHashSet(StringComparer.Ordinal);

    /// <summary>A route; with a Program when its path is a regular expression, and a Target when it is rewritten.</summary>
    private sealed record Route(string Host, string Path, byte Type, string Namespace, string Service, ushort Port, KubeObject Ingress,
        byte[]? Program = null, string? Target = null);

    // One route per rule host and path whose backend is a Service.
    private static IEnumerable<Route> RoutesOf(KubeObject ingress, IReadOnlyList<KubeObject> services)
    {
        HashSet<string> regexHosts = IngressAnnotations.RegexHosts(ingress);
        foreach (JsonNode? rule in ingress.Spec?["rules"] as JsonArray ?? [])
        {
            string host = ((string?)rule?["host"] ?? "").ToLowerInvariant();
            foreach (JsonNode? path in rule?["http"]?["paths"] as JsonArray ?? [])
            {
                byte type = (string?)path?["pathType"] switch
                {
                    "Exact" => PathType.Exact,
                    "Prefix" => PathType.Prefix,
                    "ImplementationSpecific" => PathType.ImplementationSpecific,
                    _ => PathType.Default,
                };
                string value = (string?)path?["path"] is { Length: > 0 } p ? p : "/";
                if (type == PathType.Default || !value.StartsWith('/') || Backend(path?["backend"], ingress.Namespace, services) is not var (service, port))
                {
                    continue; // refused by validation; an object stored before it is skipped, not sent
                }

                if (!regexHosts.Contains(host))
                {
                    yield return new Route(host, value, type, ingress.Namespace, service, port, ingress);
                    continue;
                }

                string? target = IngressAnnotations.TargetFor(ingress, value);
                if (PathRegexCompiler.Compile(value).Program is not { } program || (target != null && RewriteTargets.Errors(target).Count > 0))
                {
                    continue; // refused by validation, as above
                }

                yield return new Route(host, value, type, ingress.Namespace, service, port, ingress, program, target);
            }
        }
    }

    /// <summary>
    /// The routes' ingress-nginx annotations: each route takes its Ingress's source ranges, and
    /// the first canary Ingress (oldest) with a rule for the same host and path gives it a canary
    /// backend, as ingress-nginx merges a canary into the main Ingress's location. A canary with
    /// no main Ingress for its host and path is not served (ingress-nginx serves it nowhere
    /// either). A route redirects plain HTTP to https (308) when its Ingress forces it
    /// (force-ssl-redirect), or leaves ssl-redirect on (the default) and its host is TLS-enabled
    /// (<see cref="TlsHosts"/>). A route whose path is a pattern takes its program and target
    /// (<see cref="RouteRewrites"/>). Null when no route has any of them.
    /// </summary>
    private static RouteAnnotations? Annotations(List<Route> routes, List<KubeObject> canaries, HashSet<string> tlsHosts, IReadOnlyList<KubeObject> services)
    {
        List<(uint Network, int Prefix)>[] ranges = routes.Select(r => IngressAnnotations.SourceRanges(r.Ingress)).ToArray();
        var canaryOf = new Route?[routes.Count];
        foreach (KubeObject canary in canaries)
        {
            foreach (Route c in RoutesOf(canary, services))
            {
                int main = routes.FindIndex(r => r.Type != PathType.Default && r.Host == c.Host && r.Path == c.Path);
                if (main >= 0 && canaryOf[main] == null)
                {
                    canaryOf[main] = c;
                }
            }
        }

        bool[] redirects = routes.Select(r => IngressAnnotations.ForcesHttps(r.Ingress)
            || (IngressAnnotations.RedirectsToHttps(r.Ingress) && r.Host.Length > 0 && tlsHosts.Contains(r.Host))).ToArray();
        int total = ranges.Sum(r => r.Count);
        bool patterns = routes.Any(r => r.Program != null);
        if (total == 0 && canaryOf.All(c => c == null) && !redirects.Any(r => r) && !patterns)
        {
            return null;
        }

        var annotations = new RouteAnnotations(routes.Count, total);
        if (patterns)
        {
            annotations.Rewrites = new RouteRewrites(routes.Count);
            for (int i = 0; i < routes.Count; i++)
            {
                annotations.Rewrites.Programs[i] = routes[i].Program;
                annotations.Rewrites.Targets[i] = routes[i].Target;
            }
        }

        for (int i = 0; i < routes.Count; i++)
        {
            annotations.SslRedirects[i] = redirects[i];
            foreach ((uint network, int prefix) in ranges[i].Take(255))
            {
                annotations.Allow(i, network, prefix);
            }

            if (canaryOf[i] is { } c)
            {
                string? header = IngressAnnotations.Value(c.Ingress, IngressAnnotations.CanaryByHeader)?.Trim().ToLowerInvariant();
                annotations.Canary(i, c.Namespace, c.Service, c.Port, IngressAnnotations.CanaryPercent(c.Ingress),
                    string.IsNullOrEmpty(header) ? null : header, header is { Length: > 0 } && IngressAnnotations.Value(c.Ingress, IngressAnnotations.CanaryByHeaderValue) is { Length: > 0 } value ? value : null);
            }
        }

        return annotations;
    }

    // The backend's Service and port number (0 when it cannot be resolved); null for no service backend.
    private static (string Service, ushort Port)? Backend(JsonNode? backend, string ns, IReadOnlyList<KubeObject> services)
    {
        if ((string?)backend?["service"]?["name"] is not { Length: > 0 } name)
        {
            return null;
        }

        JsonNode? port = backend["service"]?["port"];
        if (JsonNumbers.AsInt(port?["number"]) is int number and > 0 and <= 65535)
        {
            return (name, (ushort)number);
        }

        KubeObject? service = services.FirstOrDefault(s => s.Namespace == ns && s.Name == name);
        JsonNode? named = (service?.Spec?["ports"] as JsonArray)?.FirstOrDefault(p => (string?)p?["name"] == (string?)port?["name"]);
        return (name, (ushort)(JsonNumbers.AsInt(named?["port"]) ?? 0));
    }
}
