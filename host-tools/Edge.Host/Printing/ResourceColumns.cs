using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Printing;

/// <summary>
/// The columns `get` prints for each kind, kubectl's where Edge has the same facts (pods: NAME
/// READY STATUS RESTARTS AGE, and IP NODE with -o wide), Edge's own where a board has more to say
/// (a node's pod CIDR and firmware).
/// </summary>
public static class ResourceColumns
{
    public sealed record Table(string[] Headers, string[] WideHeaders, Func<KubeObject, DateTime, string[]> Row, Func<KubeObject, string[]> WideRow)
    {
        /// <summary>The header line as printed: NAMESPACE first with -A, the wide columns last with -o wide.</summary>
        public string[] HeaderLine(bool withNamespace, bool wide) =>
            (withNamespace ? ["NAMESPACE"] : Array.Empty<string>()).Concat(Headers).Concat(wide ? WideHeaders : []).ToArray();

        /// <summary>An object's line in the same layout; <paramref name="name"/> replaces the NAME cell (kind/name when several kinds print).</summary>
        public string[] Line(KubeObject o, DateTime now, bool withNamespace, bool wide, string? name = null)
        {
            string[] cells = Row(o, now);
            if (name != null)
            {
                cells[0] = name;
            }

            return (withNamespace ? [o.Namespace] : Array.Empty<string>()).Concat(cells).Concat(wide ? WideRow(o) : []).ToArray();
        }
    }

    public static Table For(string kind) => kind switch
    {
        "Pod" => new(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], ["IP", "NODE"],
            (o, now) => [o.Name, PodReady(o), PodStatus(o), Restarts(o), Age.Of(Created(o), now)],
            o => [Text(o.Json["status"]?["podIP"]), Text(o.Spec?["nodeName"])]),
        "Node" => new(["NAME", "STATUS", "ROLES", "AGE", "VERSION"], ["INTERNAL-IP", "POD-CIDR", "LINK"],
            (o, now) => [o.Name, NodeStatus(o), "<none>", Age.Of(Created(o), now), Text(o.Json["status"]?["nodeInfo"]?["kubeletVersion"])],
            o => [Address(o, "InternalIP"), Text(o.Spec?["podCIDR"]), Text(o.Metadata["annotations"]?["edge.dev/link"])]),
        "Deployment" => new(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"],
            (o, now) => [o.Name, $"{Int(o.Json["status"]?["readyReplicas"])}/{Int(o.Spec?["replicas"], 1)}", Int(o.Json["status"]?["updatedReplicas"]).ToString(), Int(o.Json["status"]?["availableReplicas"]).ToString(), Age.Of(Created(o), now)],
            o => [Join(Containers(o.Spec?["template"]?["spec"]).Select(c => Text(c["name"]))), Join(Containers(o.Spec?["template"]?["spec"]).Select(c => Text(c["image"]))), Selector(o.Spec?["selector"]?["matchLabels"])]),
        "ReplicaSet" => new(["NAME", "DESIRED", "CURRENT", "READY", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"],
            (o, now) => [o.Name, Int(o.Spec?["replicas"], 1).ToString(), Int(o.Json["status"]?["replicas"]).ToString(), Int(o.Json["status"]?["readyReplicas"]).ToString(), Age.Of(Created(o), now)],
            o => [Join(Containers(o.Spec?["template"]?["spec"]).Select(c => Text(c["name"]))), Join(Containers(o.Spec?["template"]?["spec"]).Select(c => Text(c["image"]))), Selector(o.Spec?["selector"]?["matchLabels"])]),
        "Service" => new(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], ["SELECTOR"],
            (o, now) => [o.Name, Text(o.Spec?["type"], "ClusterIP"), Text(o.Spec?["clusterIP"], "None"), ExternalIp(o), ServicePorts(o), Age.Of(Created(o), now)],
            o => [Selector(o.Spec?["selector"])]),
        "Endpoints" => new(["NAME", "ENDPOINTS", "AGE"], [],
            (o, now) => [o.Name, Endpoints(o), Age.Of(Created(o), now)], _ => []),
        "Event" => new(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], [],
            (o, now) => [Age.Of((string?)o.Json["lastTimestamp"] ?? Created(o), now), Text(o.Json["type"]), Text(o.Json["reason"]),
                $"{Text(o.Json["involvedObject"]?["kind"]).ToLowerInvariant()}/{Text(o.Json["involvedObject"]?["name"])}", Text(o.Json["message"])],
            _ => []),
        "Namespace" => new(["NAME", "STATUS", "AGE"], [], (o, now) => [o.Name, "Active", Age.Of(Created(o), now)], _ => []),
        "NetworkPolicy" => new(["NAME", "POD-SELECTOR", "AGE"], [],
            (o, now) => [o.Name, Selector(o.Spec?["podSelector"]?["matchLabels"]), Age.Of(Created(o), now)], _ => []),
        "Ingress" => new(["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], [],
            (o, now) => [o.Name, Text(o.Spec?["ingressClassName"], "<none>"), IngressHosts(o), IngressAddress(o), IngressPorts(o), Age.Of(Created(o), now)],
            _ => []),
        "IngressClass" => new(["NAME", "CONTROLLER", "PARAMETERS", "AGE"], [],
            (o, now) => [o.Name, Text(o.Spec?["controller"], ""), IngressClassParameters(o), Age.Of(Created(o), now)], _ => []),
        "Secret" => new(["NAME", "TYPE", "DATA", "AGE"], [],
            (o, now) => [o.Name, Text(o.Json["type"], "Opaque"), ((o.Json["data"] as JsonObject)?.Count ?? 0).ToString(), Age.Of(Created(o), now)], _ => []),
        "EndpointSlice" => new(["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], [],
            (o, now) => [o.Name, Text(o.Json["addressType"]), SlicePorts(o), SliceEndpoints(o), Age.Of(Created(o), now)], _ => []),
        "ConfigMap" => new(["NAME", "DATA", "AGE"], [],
            (o, now) => [o.Name, (((o.Json["data"] as JsonObject)?.Count ?? 0) + ((o.Json["binaryData"] as JsonObject)?.Count ?? 0)).ToString(), Age.Of(Created(o), now)], _ => []),
        "OverlayPeer" => new(["NAME", "ADDRESS", "OVERLAY-CIDR", "VXLAN-PORT", "AGE"], [],
            (o, now) => [o.Name, Text(o.Spec?["address"]), Text(o.Spec?["podCIDR"], "<pending>"), Text(o.Spec?["vxlanPort"], "4789"), Age.Of(Created(o), now)], _ => []),
        _ => new(["NAME", "AGE"], [], (o, now) => [o.Name, Age.Of(Created(o), now)], _ => []),
    };

    public static string PodStatus(KubeObject pod)
    {
        if (pod.Metadata["deletionTimestamp"] != null)
        {
            return "Terminating";
        }

        // kubectl's: the containers from the last to the first, a waiting or terminated reason
        // replacing the phase (so the first container's says most).
        string reason = Text(pod.Json["status"]?["phase"], "Pending");
        foreach (JsonNode? status in (pod.Json["status"]?["containerStatuses"] as JsonArray ?? []).Reverse())
        {
            JsonNode? state = status?["state"];
            reason = (string?)state?["waiting"]?["reason"] is { Length: > 0 } waiting ? waiting
                : (string?)state?["terminated"]?["reason"] is { Length: > 0 } terminated ? terminated
                : reason;
        }

        return reason;
    }

    public static string NodeStatus(KubeObject node)
    {
        JsonNode? ready = (node.Json["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => (string?)c?["type"] == "Ready");
        string status = (string?)ready?["status"] == "True" ? "Ready" : "NotReady";
        return node.Spec?["unschedulable"]?.GetValue<bool>() == true ? status + ",SchedulingDisabled" : status;
    }

    public static string Address(KubeObject node, string type) =>
        Text((node.Json["status"]?["addresses"] as JsonArray)?.FirstOrDefault(a => (string?)a?["type"] == type)?["address"]);

    public static string ServicePorts(KubeObject service)
    {
        var ports = (service.Spec?["ports"] as JsonArray ?? []).Select(p =>
            $"{JsonNumbers.AsInt(p?["port"])}{(JsonNumbers.AsInt(p?["nodePort"]) is int np ? ":" + np : "")}/{Text(p?["protocol"], "TCP")}").ToList();
        return ports.Count == 0 ? "<none>" : string.Join(",", ports);
    }

    public static string Endpoints(KubeObject endpoints)
    {
        var all = new List<string>();
        foreach (JsonNode? subset in endpoints.Json["subsets"] as JsonArray ?? [])
        {
            var ports = (subset?["ports"] as JsonArray ?? []).Select(p => JsonNumbers.AsInt(p?["port"])).ToList();
            foreach (JsonNode? address in subset?["addresses"] as JsonArray ?? [])
            {
                all.AddRange(ports.Count == 0 ? [Text(address?["ip"])] : ports.Select(p => $"{Text(address?["ip"])}:{p}"));
            }
        }

        return all.Count == 0 ? "<none>" : all.Count > 3 ? string.Join(",", all.Take(3)) + $" + {all.Count - 3} more..." : string.Join(",", all);
    }

    // kubectl's Ingress columns: the first three hosts named (then "+ N more..." counted in rules, as
    // kubectl counts), * when none is; every address, sorted and each once, however many (the server
    // prints wide, so nothing is cut); the ports the controller listens on, 443 too when there is TLS.
    private static string IngressHosts(KubeObject ingress)
    {
        JsonArray rules = ingress.Spec?["rules"] as JsonArray ?? [];
        var hosts = new List<string>();
        bool more = false;
        foreach (JsonNode? rule in rules)
        {
            more |= hosts.Count == 3;
            if (!more && (string?)rule?["host"] is { Length: > 0 } host)
            {
                hosts.Add(host);
            }
        }

        return hosts.Count == 0 ? "*" : more ? Join(hosts) + $" + {rules.Count - 3} more..." : Join(hosts);
    }

    public static string IngressAddress(KubeObject ingress) =>
        Join((ingress.Json["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? [])
            .Select(i => (string?)i?["ip"] is { Length: > 0 } ip ? ip : (string?)i?["hostname"] ?? "").Where(a => a.Length > 0)
            .Distinct().Order(StringComparer.Ordinal));

    private static string IngressPorts(KubeObject ingress) => ingress.Spec?["tls"] is JsonArray { Count: > 0 } ? "80, 443" : "80";

    // kubectl's IngressClass PARAMETERS: Kind[.apiGroup]/name.
    private static string IngressClassParameters(KubeObject ingressClass) => ingressClass.Spec?["parameters"] is JsonObject p
        ? $"{Text(p["kind"], "")}{((string?)p["apiGroup"] is string group ? "." + group : "")}/{Text(p["name"], "")}"
        : "<none>";

    // kubectl's EndpointSlice columns: the port numbers, and the addresses (three, then how many more).
    private static string SlicePorts(KubeObject slice)
    {
        var ports = (slice.Json["ports"] as JsonArray ?? []).Select(p => Text(p?["port"])).ToList();
        return ports.Count == 0 ? "<unset>" : string.Join(",", ports);
    }

    private static string SliceEndpoints(KubeObject slice)
    {
        var all = (slice.Json["endpoints"] as JsonArray ?? []).SelectMany(e => e?["addresses"] as JsonArray ?? []).Select(a => Text(a)).ToList();
        return all.Count == 0 ? "<unset>" : all.Count > 3 ? string.Join(",", all.Take(3)) + $" + {all.Count - 3} more..." : string.Join(",", all);
    }

    public static string Selector(JsonNode? labels) =>
        labels is JsonObject o && o.Count > 0 ? string.Join(",", o.Select(p => $"{p.Key}={(string?)p.Value}")) : "<none>";

    public static string Created(KubeObject o) => (string?)o.Metadata["creationTimestamp"] ?? "";

    // kubectl's RESTARTS: the containers' restarts together.
    private static string Restarts(KubeObject pod) =>
        (pod.Json["status"]?["containerStatuses"] as JsonArray ?? []).Sum(c => JsonNumbers.AsInt(c?["restartCount"]) ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string PodReady(KubeObject pod)
    {
        var statuses = pod.Json["status"]?["containerStatuses"] as JsonArray;
        int total = Containers(pod.Spec).Count();
        int ready = statuses?.Count(s => s?["ready"]?.GetValue<bool>() == true) ?? 0;
        return $"{ready}/{Math.Max(total, 1)}";
    }

    private static string ExternalIp(KubeObject service) => (string?)service.Spec?["type"] switch
    {
        "ExternalName" => Text(service.Spec?["externalName"]),
        "LoadBalancer" => service.Json["status"]?["loadBalancer"]?["ingress"] is JsonArray { Count: > 0 } ingress
            ? string.Join(",", ingress.Select(i => Text(i?["ip"])))
            : "<pending>",
        _ => "<none>",
    };

    private static IEnumerable<JsonNode> Containers(JsonNode? podSpec) => (podSpec?["containers"] as JsonArray ?? []).OfType<JsonNode>();

    private static int Int(JsonNode? node, int fallback = 0) => JsonNumbers.AsInt(node) ?? fallback;

    private static string Join(IEnumerable<string> values) => string.Join(",", values);

    private static string Text(JsonNode? node, string fallback = "<none>") =>
        node is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0 ? s : node is JsonValue n ? n.ToJsonString() : fallback;
}
