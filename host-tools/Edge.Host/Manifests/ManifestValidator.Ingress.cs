using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Edge.Host.Compile;
using Edge.Host.Objects;

namespace Edge.Host.Manifests;

/// <summary>
/// Ingress and IngressClass as kube-apiserver validates them (pkg/apis/networking/validation),
/// in its words, so a manifest Edge refuses is refused as a cluster would refuse it; and, as
/// warnings, what kube-apiserver takes but ingress-nginx would only log: a TLS host no rule
/// routes (its certificate would never be used), a boolean annotation that is no boolean. The
/// ingress-nginx annotations Edge acts on are refused with a value it could not act on: a regular
/// expression a board cannot run, a rewrite-target a board cannot write (<see cref="IngressPatterns"/>).
/// </summary>
public static partial class ManifestValidator
{
    private const string SubdomainMessage = """a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')""";

    private const string WildcardMessage = """a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')""";

    // Two spaces after the first example: the API server's own message has them.
    private const string Dns1035Message = """a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')""";

    private static readonly string[] UnsafePathSequences = ["//", "/./", "/../", "%2f", "%2F"];
    private static readonly string[] UnsafePathSuffixes = ["/..", "/."];

    private static void Ingress(Checker v, KubeObject o)
    {
        JsonObject spec = o.Spec ?? [];
        JsonArray rules = spec["rules"] as JsonArray ?? [];
        JsonNode? defaultBackend = spec["defaultBackend"];
        if (rules.Count == 0 && defaultBackend == null)
        {
            string value = spec["rules"] is JsonArray ? "[]networking.IngressRule{}" : "[]networking.IngressRule(nil)";
            v.Error("spec", $"Invalid value: {value}: either `defaultBackend` or `rules` must be specified");
        }

        if (defaultBackend != null)
        {
            IngressBackend(v, defaultBackend, "spec.defaultBackend");
        }

        for (int i = 0; i < rules.Count; i++)
        {
            string at = $"spec.rules[{i}]";
            string host = Text(Field(rules[i], "host")) ?? "";
            if (host.Length > 0)
            {
                if (IsIpAddress(host))
                {
                    v.Error(at + ".host", $"Invalid value: {Quoted(host)}: must be a DNS name, not an IP address");
                }

                foreach (string message in host.Contains('*') ? WildcardErrors(host) : SubdomainErrors(host))
                {
                    v.Error(at + ".host", $"Invalid value: {Quoted(host)}: {message}");
                }
            }

            if (Field(rules[i], "http") is JsonObject http)
            {
                JsonArray paths = http["paths"] as JsonArray ?? [];
                if (paths.Count == 0)
                {
                    v.Error(at + ".http.paths", "Required value");
                }

                for (int j = 0; j < paths.Count; j++)
                {
                    IngressPath(v, paths[j], $"{at}.http.paths[{j}]");
                }
            }
        }

        IngressPatterns(v, o, rules);
        IngressTls(v, spec, rules);
        if (spec["ingressClassName"] is JsonNode classNode)
        {
            string className = Text(classNode) ?? "";
            foreach (string message in SubdomainErrors(className))
            {
                v.Error("spec.ingressClassName", $"Invalid value: {Quoted(className)}: {message}");
            }
        }

        // On create the API server refuses the legacy annotation beside a different ingressClassName.
        if (Text(o.Metadata["annotations"]?[IngressClasses.LegacyClassAnnotation]) is string legacy
            && Text(spec["ingressClassName"]) is string named && legacy != named)
        {
            v.Error("annotations." + IngressClasses.LegacyClassAnnotation, $"Invalid value: {Quoted(legacy)}: must match `ingressClassName` when both are specified",
                "metadata.annotations." + IngressClasses.LegacyClassAnnotation);
        }

        IngressControllerAnnotations(v, o);
    }

    // The ingress-nginx annotations Edge acts on, refused when ingress-nginx would not take their
    // value (it logs and ignores them; a manifest error says it at apply time instead).
    private static void IngressControllerAnnotations(Checker v, KubeObject o)
    {
        void Refuse(string name, string value, string why) =>
            v.Error("annotations." + name, $"Invalid value: {Quoted(value)}: {why}", "metadata.annotations." + name);

        foreach (string name in new[] { IngressAnnotations.WhitelistSourceRange, IngressAnnotations.AllowlistSourceRange })
        {
            if (IngressAnnotations.Value(o, name) is not string ranges)
            {
                continue;
            }

            foreach (string entry in ranges.Split(',', StringSplitOptions.TrimEntries))
            {
                if (IngressAnnotations.ParseRange(entry) == null)
                {
                    Refuse(name, entry, "must be an IPv4 address or CIDR, comma-separated (Edge's boards are IPv4 only)");
                }
            }
        }

        if (IngressAnnotations.Value(o, IngressAnnotations.Canary) is string canary && canary is not ("true" or "false"))
        {
            Refuse(IngressAnnotations.Canary, canary, "must be \"true\" or \"false\"");
        }

        int total = 100;
        if (IngressAnnotations.Value(o, IngressAnnotations.CanaryWeightTotal) is string totalText
            && !(int.TryParse(totalText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out total) && total > 0))
        {
            Refuse(IngressAnnotations.CanaryWeightTotal, totalText, "must be a whole number above 0");
            total = 100;
        }

        if (IngressAnnotations.Value(o, IngressAnnotations.CanaryWeight) is string weight
            && !(int.TryParse(weight, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int w) && w <= total))
        {
            Refuse(IngressAnnotations.CanaryWeight, weight, $"must be a whole number from 0 to {total} (canary-weight-total)");
        }

        if (IngressAnnotations.Value(o, IngressAnnotations.CanaryByHeader) is string header && !Regex.IsMatch(header, "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"))
        {
            Refuse(IngressAnnotations.CanaryByHeader, header, "must be an HTTP field name");
        }

        if (IngressAnnotations.Value(o, IngressAnnotations.RewriteTarget) is { Length: > 0 } target)
        {
            foreach (string why in RewriteTargets.Errors(target))
            {
                Refuse(IngressAnnotations.RewriteTarget, target, why);
            }

            foreach (string why in RewriteTargets.Warnings(target))
            {
                v.Warning("annotations." + IngressAnnotations.RewriteTarget, $"{Quoted(target)}: {why}", "metadata.annotations." + IngressAnnotations.RewriteTarget);
            }
        }

        // ingress-nginx logs these as invalid and takes its default; said here as it would be, without refusing.
        foreach ((string name, string fallback) in new[] { (IngressAnnotations.SslRedirect, "true"), (IngressAnnotations.ForceSslRedirect, "false"), (IngressAnnotations.UseRegex, "false") })
        {
            if (IngressAnnotations.Value(o, name) is string value && IngressAnnotations.ParseBool(value) == null)
            {
                v.Warning("annotations." + name, $"{Quoted(value)} is not a boolean (true or false), so it is taken as {fallback}, as ingress-nginx takes it", "metadata.annotations." + name);
            }
        }
    }

    /// <summary>
    /// The paths ingress-nginx takes as regular expressions (use-regex, rewrite-target:
    /// <see cref="IngressAnnotations.RegexHosts"/>): each must compile to a board's program, or it is
    /// refused naming what a board does not take. Warned about: a target's $N beyond the path's
    /// groups (nginx, and a board, put nothing there), and a pattern under pathType Exact or Prefix,
    /// which ingress-nginx's admission refuses since v1.12 (strict-validate-path-type).
    /// </summary>
    private static void IngressPatterns(Checker v, KubeObject o, JsonArray rules)
    {
        HashSet<string> hosts = IngressAnnotations.RegexHosts(o);
        for (int i = 0; i < rules.Count && hosts.Count > 0; i++)
        {
            if (!hosts.Contains((Text(Field(rules[i], "host")) ?? "").ToLowerInvariant()))
            {
                continue;
            }

            JsonArray paths = Field(Field(rules[i], "http"), "paths") as JsonArray ?? [];
            for (int j = 0; j < paths.Count; j++)
            {
                string at = $"spec.rules[{i}].http.paths[{j}].path";
                string path = IngressAnnotations.RoutePath(paths[j]);
                CompiledPath compiled = PathRegexCompiler.Compile(path);
                if (compiled.Error != null)
                {
                    v.Error(at, $"Invalid value: {Quoted(path)}: {compiled.Error}");
                    continue;
                }

                if (IngressAnnotations.TargetFor(o, path) is string target && RewriteTargets.HighestGroup(target) is var used && used > compiled.Groups)
                {
                    v.Warning(at, $"{Quoted(path)} has {(compiled.Groups == 1 ? "1 group" : $"{compiled.Groups} groups")}, so the rewrite-target's ${used} is left empty, as nginx leaves it");
                }

                if (Text(Field(paths[j], "pathType")) is "Exact" or "Prefix" && !PlainPath().IsMatch(path))
                {
                    v.Warning(at, $"{Quoted(path)} is a regular expression under pathType {Text(Field(paths[j], "pathType"))}, which ingress-nginx refuses since v1.12 (strict-validate-path-type): write pathType: ImplementationSpecific");
                }
            }
        }
    }

    private static void IngressPath(Checker v, JsonNode? entry, string at)
    {
        if (Text(Field(entry, "pathType")) is not string type)
        {
            v.Error(at + ".pathType", "Required value: pathType must be specified");
            return;
        }

        string path = Text(Field(entry, "path")) ?? "";
        switch (type)
        {
            case "Exact" or "Prefix":
                if (!path.StartsWith('/'))
                {
                    v.Error(at + ".path", $"Invalid value: {Quoted(path)}: must be an absolute path");
                }

                foreach (string sequence in UnsafePathSequences.Where(s => path.Contains(s, StringComparison.Ordinal)))
                {
                    v.Error(at + ".path", $"Invalid value: {Quoted(path)}: must not contain '{sequence}'");
                }

                foreach (string suffix in UnsafePathSuffixes.Where(s => path.EndsWith(s, StringComparison.Ordinal)))
                {
                    v.Error(at + ".path", $"Invalid value: {Quoted(path)}: cannot end with '{suffix}'");
                }

                break;
            case "ImplementationSpecific":
                if (path.Length > 0 && !path.StartsWith('/'))
                {
                    v.Error(at + ".path", $"Invalid value: {Quoted(path)}: must be an absolute path");
                }

                break;
            default:
                v.Error(at + ".pathType", $"Unsupported value: {Quoted(type)}: supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"");
                break;
        }

        IngressBackend(v, Field(entry, "backend"), at + ".backend");
    }

    private static void IngressBackend(Checker v, JsonNode? backend, string at)
    {
        JsonNode? resource = Field(backend, "resource"), service = Field(backend, "service");
        if (resource != null && service != null)
        {
            v.Error(at, "Invalid value: \"\": cannot set both resource and service backends");
            return;
        }

        if (resource != null)
        {
            ObjectReference(v, resource, at + ".resource");
            v.Warning(at + ".resource", "not served: Edge routes to services only, so requests for this backend get no answer from it");
            return;
        }

        if (service == null)
        {
            v.Error(at, "Invalid value: \"\": resource or service backend is required");
            return;
        }

        string name = Text(Field(service, "name")) ?? "";
        if (name.Length == 0)
        {
            v.Error(at + ".service.name", "Required value");
        }

        foreach (string message in name.Length == 0 ? [] : Dns1035Errors(name))
        {
            v.Error(at + ".service.name", $"Invalid value: {Quoted(name)}: {message}");
        }

        // A port by name or by number, not both; 0 and "" are unset, as in the Go types.
        JsonNode? port = Field(service, "port");
        string portName = Text(Field(port, "name")) ?? "";
        long number = Field(port, "number") is JsonValue n && n.TryGetValue(out long value) ? value : 0;
        if (portName.Length > 0 && number != 0)
        {
            v.Error(at, "Invalid value: \"\": cannot set both port name & port number");
        }
        else if (portName.Length > 0)
        {
            foreach (string message in PortNameErrors(portName))
            {
                v.Error(at + ".service.port.name", $"Invalid value: {Quoted(portName)}: {message}");
            }
        }
        else if (number != 0)
        {
            if (number is < 1 or > 65535)
            {
                v.Error(at + ".service.port.number", $"Invalid value: {number}: must be between 1 and 65535, inclusive");
            }
        }
        else
        {
            v.Error(at, "Required value: port name or number is required");
        }
    }

    private static void IngressTls(Checker v, JsonObject spec, JsonArray rules)
    {
        JsonArray tls = spec["tls"] as JsonArray ?? [];
        var routed = rules.Select(r => Text(Field(r, "host")) ?? "").Where(h => h.Length > 0).ToList();
        for (int t = 0; t < tls.Count; t++)
        {
            JsonArray hosts = Field(tls[t], "hosts") as JsonArray ?? [];
            for (int i = 0; i < hosts.Count; i++)
            {
                string at = $"spec.tls[{t}].hosts[{i}]";
                string host = Text(hosts[i]) ?? "";
                List<string> errors = host.Contains('*') ? WildcardErrors(host) : SubdomainErrors(host);
                foreach (string message in errors)
                {
                    v.Error(at, $"Invalid value: {Quoted(host)}: {message}");
                }

                if (errors.Count == 0 && !routed.Any(r => Objects.IngressTls.Covers(r, host)))
                {
                    v.Warning(at, $"{Quoted(host)}: no rule has this host, so its certificate serves no request (ingress-nginx and Edge terminate TLS for the hosts rules route): add a rule for it, or take it out");
                }
            }

            string secret = Text(Field(tls[t], "secretName")) ?? "";
            foreach (string message in secret.Length == 0 ? [] : SubdomainErrors(secret))
            {
                v.Error($"spec.tls[{t}].secretName", $"Invalid value: {Quoted(secret)}: {message}");
            }
        }
    }

    private static void IngressClass(Checker v, JsonObject? spec)
    {
        string controller = Text(spec?["controller"]) ?? "";
        int slash = controller.IndexOf('/');
        if (controller.Length == 0)
        {
            v.Error("spec.controller", "Required value");
        }
        else if (slash <= 0 || slash == controller.Length - 1)
        {
            v.Error("spec.controller", $"Invalid value: {Quoted(controller)}: must be a domain-prefixed path (such as \"acme.io/foo\")");
        }
        else
        {
            string domain = controller[..slash], path = controller[(slash + 1)..];
            foreach (string message in SubdomainErrors(domain))
            {
                v.Error("spec.controller", $"Invalid value: {Quoted(domain)}: {message}");
            }

            if (!HttpPath().IsMatch(path))
            {
                v.Error("spec.controller", $"Invalid value: {Quoted(path)}: must be a valid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')");
            }
        }

        if (spec?["parameters"] is not JsonObject parameters)
        {
            return;
        }

        ObjectReference(v, parameters, "spec.parameters");
        string scope = Text(parameters["scope"]) ?? "Cluster"; // what the v1 API defaults it to
        if (scope is not ("Cluster" or "Namespace"))
        {
            v.Error("spec.parameters.scope", $"Unsupported value: {Quoted(scope)}: supported values: \"Cluster\", \"Namespace\"");
        }
        else if (scope == "Namespace" && parameters["namespace"] == null)
        {
            v.Error("spec.parameters.namespace", "Required value: `parameters.scope` is set to 'Namespace'");
        }
        else if (scope == "Cluster" && parameters["namespace"] != null)
        {
            v.Error("spec.parameters.namespace", "Forbidden: `parameters.scope` is set to 'Cluster'");
        }

        if (controller == IngressClasses.Controller)
        {
            v.Warning("spec.parameters", "ignored: Edge's ingress controller takes no parameters");
        }
    }

    /// <summary>A backend's resource or a class's parameters: a kind and a name (each a path segment), and a group when given.</summary>
    private static void ObjectReference(Checker v, JsonNode reference, string at)
    {
        if (Text(Field(reference, "apiGroup")) is string group)
        {
            foreach (string message in SubdomainErrors(group))
            {
                v.Error(at + ".apiGroup", $"Invalid value: {Quoted(group)}: {message}");
            }
        }

        foreach (string field in new[] { "kind", "name" })
        {
            string value = Text(Field(reference, field)) ?? "";
            if (value.Length == 0)
            {
                v.Error($"{at}.{field}", $"Required value: {field} is required");
                continue;
            }

            foreach (string message in PathSegmentErrors(value))
            {
                v.Error($"{at}.{field}", $"Invalid value: {Quoted(value)}: {message}");
            }
        }
    }

    private static List<string> SubdomainErrors(string value) =>
        [.. value.Length > 253 ? ["must be no more than 253 characters"] : Array.Empty<string>(), .. Subdomain().IsMatch(value) ? [] : new[] { SubdomainMessage }];

    private static List<string> WildcardErrors(string value) =>
        [.. value.Length > 253 ? ["must be no more than 253 characters"] : Array.Empty<string>(), .. WildcardSubdomain().IsMatch(value) ? [] : new[] { WildcardMessage }];

    private static List<string> Dns1035Errors(string value) =>
        [.. value.Length > 63 ? ["must be no more than 63 characters"] : Array.Empty<string>(), .. Dns1035Label().IsMatch(value) ? [] : new[] { Dns1035Message }];

    // Kubernetes' IsValidPortName, message for message.
    private static List<string> PortNameErrors(string name)
    {
        var errors = new List<string>();
        if (name.Length > 15)
        {
            errors.Add("must be no more than 15 characters");
        }

        if (!name.All(c => c == '-' || char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            errors.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }

        if (!name.Any(char.IsAsciiLetterLower))
        {
            errors.Add("must contain at least one letter (a-z)");
        }

        if (name.Contains("--", StringComparison.Ordinal))
        {
            errors.Add("must not contain consecutive hyphens");
        }

        if (name.StartsWith('-') || name.EndsWith('-'))
        {
            errors.Add("must not begin or end with a hyphen");
        }

        return errors;
    }

    // Kubernetes' IsValidPathSegmentName: what could not be a segment of the object's URL.
    private static List<string> PathSegmentErrors(string name)
    {
        if (name is "." or "..")
        {
            return [$"may not be '{name}'"];
        }

        return new[] { "/", "%" }.Where(c => name.Contains(c, StringComparison.Ordinal)).Select(c => $"may not contain '{c}'").ToList();
    }

    // As Go's net.ParseIP reads a host: four decimal octets (leading zeros allowed), or IPv6.
    private static bool IsIpAddress(string host) =>
        (Ipv4Dotted().IsMatch(host) && host.Split('.').All(octet => int.Parse(octet, System.Globalization.CultureInfo.InvariantCulture) <= 255))
        || (host.Contains(':') && System.Net.IPAddress.TryParse(host, out System.Net.IPAddress? ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);

    // Go's %q for the plain text these values are.
    private static string Quoted(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Subdomain();

    [GeneratedRegex(@"^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex WildcardSubdomain();

    [GeneratedRegex(@"^[a-z]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex(@"^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+\z")]
    private static partial Regex HttpPath();

    [GeneratedRegex(@"^[0-9]{1,3}(\.[0-9]{1,3}){3}\z")]
    private static partial Regex Ipv4Dotted();

    // ingress-nginx's validPathType (inspector/rules.go): what strict-validate-path-type lets Exact and Prefix paths hold.
    [GeneratedRegex(@"^/[A-Za-z0-9._\-/]*\z")]
    private static partial Regex PlainPath();
}
