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

    /// <summary>
    /// The controller annotations Edge's dataplane implements, with ingress-nginx's meaning, by
    /// their full names; each one it learns is added here, and from then on is no longer
    /// reported as ignored.
    /// </summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        WhitelistSourceRange, AllowlistSourceRange, Canary, CanaryWeight, CanaryWeightTotal, CanaryByHeader, CanaryByHeaderValue,
        SslRedirect, ForceSslRedirect,
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
