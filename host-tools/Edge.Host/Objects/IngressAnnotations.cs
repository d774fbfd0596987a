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

    public const string Nginx = "nginx.ingress.kubernetes.io/";
    public const string WhitelistSourceRange = Nginx + "whitelist-source-range";
    public const string AllowlistSourceRange = Nginx + "allowlist-source-range";
    public const string Canary = Nginx + "canary";
    public const string CanaryWeight = Nginx + "canary-weight";
    public const string CanaryWeightTotal = Nginx + "canary-weight-total";
    public const string CanaryByHeader = Nginx + "canary-by-header";
    public const string CanaryByHeaderValue = Nginx + "canary-by-header-value";
    public const string SslRedirect = Nginx + "ssl-redirect";
    public const string ForceSslRedirect = Nginx + "force-ssl-redirect";
    public const string UseRegex = Nginx + "use-regex";
    public const string RewriteTarget = Nginx + "rewrite-target";

    /// <summary>
    /// The controller annotations Edge's dataplane implements, with ingress-nginx's meaning, by
    /// their full names; each one it learns is added here, and from then on is no longer
    /// reported as ignored.
    /// </summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        WhitelistSourceRange, AllowlistSourceRange, Canary, CanaryWeight, CanaryWeightTotal, CanaryByHeader, CanaryByHeaderValue,
        SslRedirect, ForceSslRedirect, UseRegex, RewriteTarget,
    };

    /// <summary>An annotation's value, or null.</summary>
    public static string? Value(KubeObject ingress, string name) => (string?)(ingress.Metadata["annotations"] as JsonObject)?[name];

    /// <summary>Whether the Ingress is a canary (ingress-nginx: `canary: "true"`), whose rules weigh in on another Ingress's.</summary>
    public static bool IsCanary(KubeObject ingress) => Value(ingress, Canary) == "true";

    /// <summary>
    /// The source ranges an Ingress allows (allowlist-source-range, else whitelist-source-range):
    /// comma-separated CIDRs or addresses (a /32); empty when it has none. Entries that are not
    /// IPv4 ranges are left out (validation names them).
    /// </summary>
    public static List<(uint Network, int Prefix)> SourceRanges(KubeObject ingress)
    {
        string? value = Value(ingress, AllowlistSourceRange) ?? Value(ingress, WhitelistSourceRange);
        var ranges = new List<(uint, int)>();
        foreach (string entry in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (ParseRange(entry) is { } range)
            {
                ranges.Add(range);
            }
        }

        return ranges;
    }

    /// <summary>A CIDR or a single IPv4 address (as /32); null when it is neither.</summary>
    public static (uint Network, int Prefix)? ParseRange(string entry)
    {
        string[] parts = entry.Split('/');
        int prefix = 32;
        if (parts.Length > 2 || !Edge.Dataplane.Wire.Ipv4Address.TryParse(parts[0], out uint address)
            || (parts.Length == 2 && !(int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) && prefix <= 32)))
        {
            return null;
        }

        return (address & Edge.Dataplane.Wire.Ipv4Address.MaskOf(prefix), prefix); // host bits ignored, as nginx's allow does
    }

    /// <summary>The canary's share in percent: canary-weight of canary-weight-total (100 unless set), rounded down.</summary>
    public static int CanaryPercent(KubeObject ingress)
    {
        int weight = int.TryParse(Value(ingress, CanaryWeight), out int w) ? Math.Max(w, 0) : 0;
        int total = int.TryParse(Value(ingress, CanaryWeightTotal), out int t) && t > 0 ? t : 100;
        return Math.Min(100, (int)((long)weight * 100 / total));
    }

    /// <summary>Whether plain HTTP to a TLS-enabled host is redirected to https: ssl-redirect, true unless it says false (ingress-nginx's default).</summary>
    public static bool RedirectsToHttps(KubeObject ingress) => ParseBool(Value(ingress, SslRedirect)) ?? true;

    /// <summary>Whether plain HTTP is redirected to https even with no TLS for the host: force-ssl-redirect, false unless it says true.</summary>
    public static bool ForcesHttps(KubeObject ingress) => ParseBool(Value(ingress, ForceSslRedirect)) ?? false;

    /// <summary>Whether the Ingress says its paths are regular expressions: use-regex, false unless it says true.</summary>
    public static bool RegexRequested(KubeObject ingress) => ParseBool(Value(ingress, UseRegex)) ?? false;

    /// <summary>
    /// What a path of the Ingress becomes on its way to the pod: its rewrite-target, except for a
    /// path equal to the target (ingress-nginx's needsRewrite: that location is not rewritten);
    /// null for none. An empty target is none. The path is as the route keeps it ("" is "/").
    /// </summary>
    public static string? TargetFor(KubeObject ingress, string path) =>
        Value(ingress, RewriteTarget) is { Length: > 0 } target && target != path ? target : null;

    /// <summary>
    /// The rule hosts (lower case, "" for rules without one) whose paths in this Ingress are
    /// regular expressions, as ingress-nginx decides per server (template.go enforceRegexModifier):
    /// every host when it says use-regex, else each host where one of its paths is rewritten
    /// (<see cref="TargetFor"/>). There every path, whatever its pathType (Exact too: buildLocation
    /// asks for the regex first), is the pattern <c>~* "^PATH"</c>. ingress-nginx also makes every
    /// other Ingress's paths for such a host regular expressions; Edge does not (see
    /// <see cref="Compile.IngressRouteCompiler"/>). A canary's own are never asked for: ingress-nginx
    /// takes a canary's routing from its main Ingress.
    /// </summary>
    public static HashSet<string> RegexHosts(KubeObject ingress)
    {
        var hosts = new HashSet<string>(StringComparer.Ordinal);
        bool all = RegexRequested(ingress);
        if (IsCanary(ingress) || (!all && Value(ingress, RewriteTarget) is not { Length: > 0 }))
        {
            return hosts;
        }

        foreach (JsonNode? rule in ingress.Spec?["rules"] as JsonArray ?? [])
        {
            string host = (Text((rule as JsonObject)?["host"]) ?? "").ToLowerInvariant();
            if (all || ((rule as JsonObject)?["http"] as JsonObject)?["paths"] is JsonArray paths && paths.Any(p => TargetFor(ingress, RoutePath(p)) != null))
            {
                hosts.Add(host);
            }
        }

        return hosts;
    }

    /// <summary>A rule path as routes keep it: "" (or none) is "/", as ingress-nginx's root location.</summary>
    public static string RoutePath(JsonNode? path) => Text((path as JsonObject)?["path"]) is { Length: > 0 } p ? p : "/";

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    /// <summary>
    /// A boolean annotation as ingress-nginx reads one (Go's strconv.ParseBool): 1, t, T, TRUE,
    /// true, True, and 0, f, F, FALSE, false, False; null for anything else, which ingress-nginx
    /// logs as invalid and replaces with the default.
    /// </summary>
    public static bool? ParseBool(string? value) => value switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => null,
    };

    /// <summary>The controller annotations of an Ingress that Edge does not act on, sorted.</summary>
    public static List<string> Ignored(KubeObject ingress) =>
        (ingress.Metadata["annotations"] as JsonObject ?? [])
            .Select(a => a.Key)
            .Where(k => ControllerPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)) && !Supported.Contains(k))
            .Order(StringComparer.Ordinal)
            .ToList();
}
