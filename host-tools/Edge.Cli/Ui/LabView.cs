using System.Globalization;
using System.Text.Json.Nodes;
using Edge.Dataplane.Boards;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Cli.Ui;

/// <summary>
/// The lab as the browser page draws it (<c>GET /ui/v1/lab</c>, and each <c>lab</c> event of
/// <c>/ui/v1/events</c>): a slim copy of the API's objects with only what the page shows, joined
/// here so the page only draws. The page reads exactly these fields (Assets/lab.js); the shape is
/// versioned by <see cref="Kind"/> and tested (LabViewTests).
/// <list type="bullet">
/// <item>nodes: the boards, Ready or not (kubectl's STATUS text), address, pod CIDR, capacity and
/// memory class, and whether a virtual board;</item>
/// <item>overlay: a VXLAN link per pair of boards with a pod CIDR (flannel's full mesh: every node
/// routes every other's pod CIDR to that node's VTEP), up when both ends are Ready;</item>
/// <item>pods: phase, kubectl's STATUS, IP, READY as kubectl counts it, restarts, containers, and
/// the NetworkPolicies that select them;</item>
/// <item>services: type, cluster IP (headless when None), ports, load-balancer addresses and the
/// endpoints from their Endpoints object, ready or not, each with its pod and node;</item>
/// <item>ingresses: rules as host, path and backend; networkPolicies: selector, types, rule
/// counts and the pods selected.</item>
/// </list>
/// Keys are "namespace/name" (nodes: their name), stable across updates so the page keeps focus
/// and selection. Flows are not part of this view: they are events of their own on the same
/// stream (<see cref="FlowFeed"/>); nor are traces, answers of their own (<see cref="TraceView"/>).
/// The server adds <c>actions</c> to the view it sends: whether that page may run traces and
/// captures (<see cref="UiServer.MayAct"/>).
/// </summary>
public static class LabView
{
    public const string Kind = "LabView";

    public const string ApiVersion = "ui.edge.dev/v1";

    /// <summary>The kinds the view is made of, each listed and watched across all namespaces.</summary>
    public static readonly string[] Kinds = ["Node", "Pod", "Service", "Endpoints", "Ingress", "NetworkPolicy"];

    /// <summary>The view of these objects (any mix of <see cref="Kinds"/>; others are ignored).</summary>
    public static JsonObject Build(IEnumerable<KubeObject> objects, LabViewState state)
    {
        var byKind = objects.GroupBy(o => o.Kind).ToDictionary(g => g.Key, g => g.ToList());
        List<KubeObject> Of(string kind) => byKind.TryGetValue(kind, out List<KubeObject>? list) ? list : [];

        List<KubeObject> nodes = [.. Of("Node").OrderBy(n => n.Name, NaturalOrder.Instance)];
        List<KubeObject> pods = [.. Of("Pod").OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, NaturalOrder.Instance)];
        List<KubeObject> policies = [.. Of("NetworkPolicy").OrderBy(KeyOf, StringComparer.Ordinal)];
        var endpoints = Of("Endpoints").ToDictionary(KeyOf);

        var view = new JsonObject
        {
            ["kind"] = Kind,
            ["apiVersion"] = ApiVersion,
            ["revision"] = state.Revision,
            ["connected"] = state.Connected,
            ["problem"] = state.Problem,
            ["cluster"] = state.Cluster,
            ["nodes"] = new JsonArray([.. nodes.Select(Node)]),
            ["overlay"] = new JsonArray([.. Overlay(nodes)]),
            ["pods"] = new JsonArray([.. pods.Select(p => Pod(p, policies))]),
            ["services"] = new JsonArray([.. Of("Service").OrderBy(KeyOf, StringComparer.Ordinal)
                .Select(s => Service(s, endpoints.GetValueOrDefault(KeyOf(s))))]),
            ["ingresses"] = new JsonArray([.. Of("Ingress").OrderBy(KeyOf, StringComparer.Ordinal).Select(Ingress)]),
            ["networkPolicies"] = new JsonArray([.. policies.Select(p => Policy(p, pods))]),
        };
        return view;
    }

    public static string KeyOf(KubeObject o) => o.Namespace.Length > 0 ? o.Namespace + "/" + o.Name : o.Name;

    private static JsonNode Node(KubeObject node)
    {
        string status = ResourceColumns.NodeStatus(node);
        JsonNode? capacity = node.Json["status"]?["capacity"];
        string? memory = (string?)capacity?["memory"];
        return new JsonObject
        {
            ["name"] = node.Name,
            ["status"] = status,
            ["ready"] = status.StartsWith("Ready", StringComparison.Ordinal),
            ["schedulable"] = !status.EndsWith("SchedulingDisabled", StringComparison.Ordinal),
            ["address"] = Text(ResourceColumns.Address(node, "InternalIP")),
            ["podCIDR"] = (string?)node.Spec?["podCIDR"],
            ["virtual"] = (string?)node.Json["status"]?["nodeInfo"]?["architecture"] == "virtual",
            ["firmware"] = (string?)node.Json["status"]?["nodeInfo"]?["kubeletVersion"],
            ["pods"] = JsonNumbers.AsInt(capacity?["pods"], allowQuoted: true),
            ["memory"] = memory,
            ["memoryClass"] = MemoryClassOf(memory),
        };
    }

    /// <summary>
    /// The memory class whose offer to pods is this Node's memory capacity (what the board's hello
    /// said: <see cref="MemoryClass.PodMemory"/>), or null for a board that said none or another figure.
    /// </summary>
    public static string? MemoryClassOf(string? memory)
    {
        if (!Quantity.TryParse(memory, out Quantity quantity))
        {
            return null;
        }

        long bytes = quantity.WholeValue;

        foreach (int c in new[] { MemoryClass.Wroom, MemoryClass.Wrover, MemoryClass.Large })
        {
            if (MemoryClass.PodMemory(c) == bytes)
            {
                return MemoryClass.Name(c);
            }
        }

        return null;
    }

    private static IEnumerable<JsonNode> Overlay(List<KubeObject> nodes)
    {
        List<KubeObject> vteps = [.. nodes.Where(n => (string?)n.Spec?["podCIDR"] != null)];
        for (int i = 0; i < vteps.Count; i++)
        {
            for (int j = i + 1; j < vteps.Count; j++)
            {
                bool up = ResourceColumns.NodeStatus(vteps[i]).StartsWith("Ready", StringComparison.Ordinal)
                    && ResourceColumns.NodeStatus(vteps[j]).StartsWith("Ready", StringComparison.Ordinal);
                yield return new JsonObject
                {
                    ["key"] = vteps[i].Name + "~" + vteps[j].Name,
                    ["from"] = vteps[i].Name,
                    ["to"] = vteps[j].Name,
                    ["up"] = up,
                };
            }
        }
    }

    private static JsonNode Pod(KubeObject pod, List<KubeObject> policies)
    {
        JsonNode? status = pod.Json["status"];
        JsonArray containerStatuses = status?["containerStatuses"] as JsonArray ?? [];
        int containers = (pod.Spec?["containers"] as JsonArray)?.Count ?? 0;
        int ready = containerStatuses.Count(c => (bool?)c?["ready"] == true);
        JsonNode? owner = (pod.Metadata["ownerReferences"] as JsonArray)?.FirstOrDefault(o => (bool?)o?["controller"] == true);
        bool podReady = (status?["conditions"] as JsonArray)?.Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True") == true;
        return new JsonObject
        {
            ["key"] = KeyOf(pod),
            ["namespace"] = pod.Namespace,
            ["name"] = pod.Name,
            ["node"] = (string?)pod.Spec?["nodeName"],
            ["phase"] = Text((string?)status?["phase"], "Pending"),
            ["status"] = ResourceColumns.PodStatus(pod),
            ["ready"] = podReady,
            ["readyContainers"] = $"{ready}/{containers}",
            ["restarts"] = containerStatuses.Sum(c => JsonNumbers.AsInt(c?["restartCount"]) ?? 0),
            ["ip"] = (string?)status?["podIP"],
            ["owner"] = owner == null ? null : $"{(string?)owner["kind"]}/{(string?)owner["name"]}",
            ["labels"] = pod.Metadata["labels"]?.DeepClone() ?? new JsonObject(),
            ["containers"] = new JsonArray([.. (pod.Spec?["containers"] as JsonArray ?? []).Select(c => Container(c, containerStatuses))]),
            ["policies"] = new JsonArray([.. policies.Where(p => Selects(p, pod)).Select(p => (JsonNode)KeyOf(p))]),
        };
    }

    private static JsonNode Container(JsonNode? spec, JsonArray statuses)
    {
        string name = (string?)spec?["name"] ?? "";
        JsonNode? status = statuses.FirstOrDefault(s => (string?)s?["name"] == name);
        JsonNode? state = status?["state"];
        string stateText = state?["running"] != null ? "Running"
            : (string?)state?["waiting"]?["reason"] is { Length: > 0 } waiting ? "Waiting: " + waiting
            : (string?)state?["terminated"]?["reason"] is { Length: > 0 } terminated ? "Terminated: " + terminated
            : "Waiting";
        return new JsonObject
        {
            ["name"] = name,
            ["image"] = (string?)spec?["image"],
            ["ready"] = (bool?)status?["ready"] == true,
            ["state"] = stateText,
            ["restarts"] = JsonNumbers.AsInt(status?["restartCount"]) ?? 0,
        };
    }

    private static JsonNode Service(KubeObject service, KubeObject? endpoints)
    {
        JsonObject spec = service.Spec ?? [];
        string type = Text((string?)spec["type"], "ClusterIP");
        string? clusterIp = (string?)spec["clusterIP"];
        var addresses = new JsonArray();
        foreach (JsonNode? subset in endpoints?.Json["subsets"] as JsonArray ?? [])
        {
            string ports = string.Join(",", (subset?["ports"] as JsonArray ?? []).Select(p => $"{JsonNumbers.AsInt(p?["port"])}/{Text((string?)p?["protocol"], "TCP")}"));
            foreach ((string field, bool ready) in new[] { ("addresses", true), ("notReadyAddresses", false) })
            {
                foreach (JsonNode? address in subset?[field] as JsonArray ?? [])
                {
                    JsonNode? target = address?["targetRef"];
                    addresses.Add(new JsonObject
                    {
                        ["ip"] = (string?)address?["ip"],
                        ["ports"] = ports,
                        ["ready"] = ready,
                        ["node"] = (string?)address?["nodeName"],
                        ["pod"] = (string?)target?["kind"] == "Pod" ? $"{(string?)target["namespace"] ?? service.Namespace}/{(string?)target["name"]}" : null,
                    });
                }
            }
        }

        return new JsonObject
        {
            ["key"] = KeyOf(service),
            ["namespace"] = service.Namespace,
            ["name"] = service.Name,
            ["type"] = type,
            ["clusterIP"] = clusterIp,
            ["headless"] = clusterIp == "None",
            ["externalName"] = (string?)spec["externalName"],
            ["selector"] = spec["selector"] is JsonObject { Count: > 0 } selector ? ResourceColumns.Selector(selector) : null,
            ["ports"] = new JsonArray([.. (spec["ports"] as JsonArray ?? []).Select(p => (JsonNode)new JsonObject
            {
                ["name"] = (string?)p?["name"],
                ["port"] = JsonNumbers.AsInt(p?["port"]),
                ["targetPort"] = p?["targetPort"]?.DeepClone(),
                ["nodePort"] = JsonNumbers.AsInt(p?["nodePort"]),
                ["protocol"] = Text((string?)p?["protocol"], "TCP"),
            })]),
            ["loadBalancer"] = new JsonArray([.. (service.Json["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? [])
                .Select(i => (string?)i?["ip"] ?? (string?)i?["hostname"]).Where(a => !string.IsNullOrEmpty(a)).Select(a => (JsonNode)a!)]),
            ["endpoints"] = addresses,
        };
    }

    private static JsonNode Ingress(KubeObject ingress)
    {
        var rules = new JsonArray();
        foreach (JsonNode? rule in ingress.Spec?["rules"] as JsonArray ?? [])
        {
            foreach (JsonNode? path in rule?["http"]?["paths"] as JsonArray ?? [])
            {
                rules.Add(new JsonObject
                {
                    ["host"] = Text((string?)rule?["host"], "*"),
                    ["path"] = Text((string?)path?["path"], "/"),
                    ["pathType"] = (string?)path?["pathType"],
                    ["service"] = (string?)path?["backend"]?["service"]?["name"],
                    ["port"] = BackendPort(path?["backend"]?["service"]?["port"]),
                });
            }
        }

        JsonNode? defaultBackend = ingress.Spec?["defaultBackend"]?["service"];
        return new JsonObject
        {
            ["key"] = KeyOf(ingress),
            ["namespace"] = ingress.Namespace,
            ["name"] = ingress.Name,
            ["class"] = (string?)ingress.Spec?["ingressClassName"],
            ["addresses"] = ResourceColumns.IngressAddress(ingress),
            ["rules"] = rules,
            ["defaultBackend"] = defaultBackend == null ? null : $"{(string?)defaultBackend["name"]}:{BackendPort(defaultBackend["port"])}",
        };
    }

    private static string? BackendPort(JsonNode? port) =>
        JsonNumbers.AsInt(port?["number"]) is int n ? n.ToString(CultureInfo.InvariantCulture) : (string?)port?["name"];

    private static JsonNode Policy(KubeObject policy, List<KubeObject> pods)
    {
        JsonObject spec = policy.Spec ?? [];
        var types = (spec["policyTypes"] as JsonArray)?.Select(t => (string?)t ?? "").ToList()
            ?? (spec["egress"] != null ? ["Ingress", "Egress"] : ["Ingress"]); // the Kubernetes documentation's defaults
        LabelSelector selector = LabelSelector.FromJson(spec["podSelector"]) ?? LabelSelector.Everything;
        return new JsonObject
        {
            ["key"] = KeyOf(policy),
            ["namespace"] = policy.Namespace,
            ["name"] = policy.Name,
            ["podSelector"] = selector.IsEmpty ? "(every pod in the namespace)" : selector.ToString(),
            ["policyTypes"] = new JsonArray([.. types.Select(t => (JsonNode)t)]),
            ["ingressRules"] = (spec["ingress"] as JsonArray)?.Count ?? 0,
            ["egressRules"] = (spec["egress"] as JsonArray)?.Count ?? 0,
            ["pods"] = new JsonArray([.. pods.Where(p => Selects(policy, p)).Select(p => (JsonNode)KeyOf(p))]),
        };
    }

    private static bool Selects(KubeObject policy, KubeObject pod) =>
        policy.Namespace == pod.Namespace && (LabelSelector.FromJson(policy.Spec?["podSelector"]) ?? LabelSelector.Everything).Matches(pod.Labels);

    private static string Text(string? value, string fallback = "") => string.IsNullOrEmpty(value) ? fallback : value;

    /// <summary>node-2 before node-10, web-9 before web-10: names with numbers as people count.</summary>
    private sealed class NaturalOrder : IComparer<string>
    {
        public static readonly NaturalOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            x ??= "";
            y ??= "";
            int i = 0, j = 0;
            while (i < x.Length && j < y.Length)
            {
                if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
                {
                    int si = i, sj = j;
                    while (i < x.Length && char.IsAsciiDigit(x[i]))
                    {
                        i++;
                    }

                    while (j < y.Length && char.IsAsciiDigit(y[j]))
                    {
                        j++;
                    }

                    string a = x[si..i].TrimStart('0'), b = y[sj..j].TrimStart('0');
                    int byNumber = a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
                    if (byNumber != 0)
                    {
                        return byNumber;
                    }

                    continue;
                }

                if (x[i] != y[j])
                {
                    return x[i].CompareTo(y[j]);
                }

                i++;
                j++;
            }

            return (x.Length - i).CompareTo(y.Length - j);
        }
    }
}

/// <summary>How the UI server's copy of the cluster stands: its change count, and whether it follows the API now.</summary>
public sealed record LabViewState(long Revision, bool Connected, string? Problem, string Cluster);
