using System.Text.Json.Nodes;
using Edge.Host.Compile;
using Edge.Host.Objects;

namespace Edge.Host.Printing;

/// <summary>
/// `describe ingress` in kubectl's words and layout (kubectl's describeIngressV1, through the same
/// tabwriter: <see cref="TabbedText"/>):
/// <code>
/// Name:             web
/// Labels:           &lt;none&gt;
/// Namespace:        default
/// Address:          192.168.50.11,192.168.50.12
/// Ingress Class:    edge
/// Default backend:  &lt;default&gt;
/// TLS:
///   web-tls terminates web.example.com
/// Rules:
///   Host             Path  Backends
///   ----             ----  --------
///   web.example.com
///                    /   web:80 (10.244.1.2:8080,10.244.2.2:8080)
/// Annotations:       &lt;none&gt;
/// Events:            &lt;none&gt;
/// </code>
/// Each backend is the service and port with the service's ready endpoints on that port (three,
/// then how many more), or kubectl's error when the service or its endpoints are missing. Edge
/// adds three things before the events, only when there is something to say: the controller
/// annotations it ignores (<see cref="IngressAnnotations.Ignored"/>); the regular-expression paths
/// (use-regex, rewrite-target) no board runs or rewrites, which validation refuses but an Ingress
/// stored before it may hold (<see cref="PathRegexCompiler"/>, <see cref="RewriteTargets"/>); and, for an Ingress with TLS, which Ready
/// nodes' boards terminate it and which serve it over HTTP only (a WROOM board takes no TLS
/// sessions, <see cref="NodeTls"/>):
/// <code>
/// Paths not served:   /(?&lt;id&gt;\d+) (a named group "(?&lt;id&gt;" at character 2 is not taken: ...)
/// TLS terminated on:  node-1 (4 sessions), node-3 (8 sessions)
/// HTTP only on:       node-2 (takes no TLS sessions)
/// </code>
/// </summary>
public static class IngressDescription
{
    /// <param name="service">The Service of that name in the Ingress's namespace, or null.</param>
    /// <param name="endpoints">The Endpoints of that name in the Ingress's namespace, or null.</param>
    /// <param name="events">The events about this Ingress, oldest first.</param>
    /// <param name="nodes">The cluster's Nodes, for where its TLS is terminated; null leaves that out.</param>
    public static void Write(TextWriter o, KubeObject ingress, Func<string, KubeObject?> service, Func<string, KubeObject?> endpoints,
        IReadOnlyList<KubeObject> events, DateTime now, IReadOnlyList<KubeObject>? nodes = null)
    {
        var w = new TabbedText(o);
        string Backend(JsonNode? backend) => BackendText(backend, service, endpoints);

        w.Line("Name:\t" + ingress.Name);
        Map(w, "Labels", ingress.Metadata["labels"] as JsonObject, (k, v) => [$"{k}={v}"]);
        w.Line("Namespace:\t" + ingress.Namespace);
        w.Line("Address:\t" + ResourceColumns.IngressAddress(ingress));
        w.Line("Ingress Class:\t" + ((string?)ingress.Spec?["ingressClassName"] ?? "<none>"));
        JsonNode? defaultBackend = ingress.Spec?["defaultBackend"];
        w.Line("Default backend:\t" + (defaultBackend == null ? "<default>" : Backend(defaultBackend)));
        if (ingress.Spec?["tls"] is JsonArray { Count: > 0 } tls)
        {
            w.Line("TLS:");
            foreach (JsonNode? entry in tls)
            {
                string hosts = string.Join(",", (entry?["hosts"] as JsonArray ?? []).Select(h => (string?)h ?? ""));
                w.Line((string?)entry?["secretName"] is { Length: > 0 } secret ? $"  {secret} terminates {hosts}" : $"  SNI routes {hosts}");
            }
        }

        w.Line("Rules:");
        w.Line("  Host\tPath\tBackends");
        w.Line("  ----\t----\t--------");
        int routed = 0;
        foreach (JsonNode? rule in ingress.Spec?["rules"] as JsonArray ?? [])
        {
            if (rule?["http"] is not JsonObject http)
            {
                continue;
            }

            routed++;
            w.Line($"  {((string?)rule["host"] is { Length: > 0 } host ? host : "*")}\t");
            foreach (JsonNode? path in http["paths"] as JsonArray ?? [])
            {
                w.Line($"    \t{(string?)path?["path"]} \t{Backend(path?["backend"])}");
            }
        }

        if (routed == 0)
        {
            // No rule routes by host and path: everything goes to the default backend.
            w.Line($"  *\t*\t{(defaultBackend == null ? "<default>" : Backend(defaultBackend))}");
        }

        Map(w, "Annotations", ingress.Metadata["annotations"] as JsonObject, NetworkPolicyDescription.Annotation);

        List<string> ignored = IngressAnnotations.Ignored(ingress);
        if (ignored.Count > 0)
        {
            // Edge's line, in a block of its own so kubectl's part above lines up exactly as kubectl's.
            w.Flush();
            for (int i = 0; i < ignored.Count; i++)
            {
                w.Line((i == 0 ? "Ignored annotations:" : "") + "\t" + ignored[i]);
            }
        }

        UnservedPatterns(w, ingress);
        if (nodes != null && IngressTls.Wanted(ingress))
        {
            TlsNodes(w, nodes);
        }

        Events(w, events, now);
        w.Flush();
    }

    public static string Of(KubeObject ingress, Func<string, KubeObject?> service, Func<string, KubeObject?> endpoints, IReadOnlyList<KubeObject> events, DateTime now,
        IReadOnlyList<KubeObject>? nodes = null)
    {
        var o = new StringWriter { NewLine = "\n" };
        Write(o, ingress, service, endpoints, events, now, nodes);
        return o.ToString();
    }

    /// <summary>Edge's lines on the Ingress's regular-expression paths that do not compile, so no board serves them.</summary>
    private static void UnservedPatterns(TabbedText w, KubeObject ingress)
    {
        HashSet<string> hosts = IngressAnnotations.RegexHosts(ingress);
        var unserved = new List<string>();
        foreach (JsonNode? rule in ingress.Spec?["rules"] as JsonArray ?? [])
        {
            if (hosts.Contains(((string?)rule?["host"] ?? "").ToLowerInvariant()))
            {
                foreach (JsonNode? path in rule?["http"]?["paths"] as JsonArray ?? [])
                {
                    string value = IngressAnnotations.RoutePath(path);
                    if (PathRegexCompiler.Compile(value).Error is string error)
                    {
                        unserved.Add($"{value} ({error})");
                    }
                    else if (IngressAnnotations.TargetFor(ingress, value) is string target && RewriteTargets.Errors(target) is [string why, ..])
                    {
                        unserved.Add($"{value} (rewrite-target {target}: {why})");
                    }
                }
            }
        }

        if (unserved.Count > 0)
        {
            w.Flush(); // a block of Edge's own, as the ignored annotations
            for (int i = 0; i < unserved.Count; i++)
            {
                w.Line((i == 0 ? "Paths not served:" : "") + "\t" + unserved[i]);
            }
        }
    }

    /// <summary>Edge's lines on where the Ingress's TLS ends: the Ready nodes (those in its Address) whose boards terminate it, and those that serve HTTP only.</summary>
    private static void TlsNodes(TabbedText w, IReadOnlyList<KubeObject> nodes)
    {
        List<KubeObject> ready = nodes.Where(Scheduling.Scheduler.IsReady).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        if (ready.Count == 0)
        {
            return;
        }

        List<KubeObject> terminating = ready.Where(NodeTls.Terminates).ToList();
        List<KubeObject> plain = ready.Where(n => !NodeTls.Terminates(n)).ToList();
        w.Flush(); // a block of Edge's own, as the ignored annotations
        w.Line("TLS terminated on:\t" + (terminating.Count == 0
            ? "<none>: no board takes TLS sessions (WROOM boards take none)"
            : string.Join(", ", terminating.Select(n => $"{n.Name} ({NodeTls.Sessions(n)} sessions)"))));
        if (terminating.Count > 0 && plain.Count > 0)
        {
            w.Line("HTTP only on:\t" + string.Join(", ", plain.Select(n => n.Name)) + (plain.Count == 1 ? " (takes no TLS sessions)" : " (take no TLS sessions)"));
        }
    }

    /// <summary>kubectl's describeBackendV1: "svc:port (endpoints)", or what went wrong looking them up; a resource backend by its group, kind and name.</summary>
    private static string BackendText(JsonNode? backend, Func<string, KubeObject?> service, Func<string, KubeObject?> endpoints)
    {
        if (backend?["service"] is JsonObject target)
        {
            string name = (string?)target["name"] ?? "";
            int number = JsonNumbers.AsInt(target["port"]?["number"]) ?? 0;
            string portName = (string?)target["port"]?["name"] ?? "";
            string servicePort = $"{name}:{(number != 0 ? number.ToString(System.Globalization.CultureInfo.InvariantCulture) : portName)}";
            if (endpoints(name) is not KubeObject found)
            {
                return $"{servicePort} (<error: endpoints \"{name}\" not found>)";
            }

            if (service(name) is not KubeObject svc)
            {
                return $"{servicePort}(<error: services \"{name}\" not found>)"; // sic: kubectl leaves out the space here
            }

            // The service port's name picks the endpoints' port (endpoint ports carry their service port's name).
            string spName = "";
            foreach (JsonNode? port in svc.Spec?["ports"] as JsonArray ?? [])
            {
                if ((number != 0 && number == JsonNumbers.AsInt(port?["port"])) || (portName.Length > 0 && portName == (string?)port?["name"]))
                {
                    spName = (string?)port?["name"] ?? "";
                }
            }

            return $"{servicePort} ({EndpointsOn(found, spName)})";
        }

        if (backend?["resource"] is JsonObject resource)
        {
            return $"APIGroup: {(string?)resource["apiGroup"] ?? "<none>"}, Kind: {(string?)resource["kind"]}, Name: {(string?)resource["name"]}";
        }

        return "";
    }

    /// <summary>kubectl's formatEndpoints for one port name: ready addresses as ip:port, three, then "+ N more...".</summary>
    private static string EndpointsOn(KubeObject endpoints, string portName)
    {
        const int Max = 3;
        var shown = new List<string>();
        int count = 0;
        foreach (JsonNode? subset in endpoints.Json["subsets"] as JsonArray ?? [])
        {
            JsonArray addresses = subset?["addresses"] as JsonArray ?? [];
            JsonArray ports = subset?["ports"] as JsonArray ?? [];
            IEnumerable<string?> portNumbers = ports.Count == 0
                ? [null] // a headless service's subset: the addresses alone
                : ports.Where(p => ((string?)p?["name"] ?? "") == portName).Select(p => JsonNumbers.AsInt(p?["port"])?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (string? port in portNumbers)
            {
                count += addresses.Count;
                shown.AddRange(addresses.Select(a => (string?)a?["ip"] ?? "").Select(ip => port == null ? ip : $"{ip}:{port}").Take(Max - shown.Count));
            }
        }

        string text = string.Join(",", shown);
        return count > Max ? $"{text} + {count - Max} more..." : text.Length == 0 ? "<none>" : text;
    }

    /// <summary>kubectl's printLabelsMultiline/printAnnotationsMultiline: sorted, one per line under the first, &lt;none&gt; when there are none.</summary>
    private static void Map(TabbedText w, string title, JsonObject? map, Func<string, string, string[]> lines)
    {
        var entries = (map ?? []).Where(p => p.Key != NetworkPolicyDescription.LastApplied).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        if (entries.Count == 0)
        {
            w.Line($"{title}:\t<none>");
            return;
        }

        bool first = true;
        foreach ((string key, JsonNode? value) in entries)
        {
            foreach (string line in lines(key, (string?)value ?? ""))
            {
                w.Line((first ? title + ":" : "") + "\t" + line);
                first = false;
            }
        }
    }

    /// <summary>kubectl's DescribeEvents: "Events: &lt;none&gt;" in the block above, or a table of its own.</summary>
    private static void Events(TabbedText w, IReadOnlyList<KubeObject> events, DateTime now)
    {
        if (events.Count == 0)
        {
            w.Line("Events:\t<none>");
            return;
        }

        w.Flush();
        w.Line("Events:");
        w.Line("  Type\tReason\tAge\tFrom\tMessage");
        w.Line("  ----\t------\t----\t----\t-------");
        foreach (KubeObject e in events)
        {
            w.Line($"  {(string?)e.Json["type"]}\t{(string?)e.Json["reason"]}\t{Age.Of((string?)e.Json["lastTimestamp"], now)}\t{(string?)e.Json["source"]?["component"]}\t{(string?)e.Json["message"]}");
        }
    }
}
