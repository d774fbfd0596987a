using Edge.Host.Printing;
using System.CommandLine;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Output;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// <c>edgectl describe TYPE [NAME]</c>: an object in words, kubectl's layout (Name, Namespace,
/// Labels, what matters for its kind) with the Events about it last, where attendees look first
/// when a pod will not start. A NetworkPolicy and an Ingress read as kubectl words them
/// (<see cref="NetworkPolicyDescription"/>, <see cref="IngressDescription"/>).
/// </summary>
public static class DescribeCommand
{
    public static Command Create(CliConsole console)
    {
        var words = new Argument<string[]>("resources") { Description = "TYPE [NAME...] or TYPE/NAME", Arity = ArgumentArity.OneOrMore };
        ClusterCompletions.ResourceTypesAndNames(words);
        var command = new Command("describe", "Show details of a specific resource or group of resources") { words };
        command.SetAction(async (parsed, cancel) =>
        {
            using ApiClient api = ApiClient.For(parsed);
            string ns = ResourceArgs.Namespace(parsed);
            var objects = new List<KubeObject>();
            foreach ((KindInfo kind, string? name) in ResourceArgs.Targets(parsed.GetValue(words) ?? []))
            {
                if (name == null)
                {
                    objects.AddRange((await api.ListAsync(kind, kind.Namespaced ? ns : null, null)).OrderBy(o => o.Name, StringComparer.Ordinal));
                }
                else
                {
                    objects.Add(new KubeObject(await api.GetAsync(Host.Api.ResourcePath.For(kind, kind.Namespaced ? ns : null, name))));
                }
            }

            List<KubeObject> events = await api.ListAsync(KindInfo.ForKind("Event")!, null, null);
            for (int i = 0; i < objects.Count; i++)
            {
                if (i > 0)
                {
                    console.Out.WriteLine();
                    console.Out.WriteLine();
                }

                await DescribeAsync(console.Out, objects[i], events, api);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task DescribeAsync(TextWriter o, KubeObject obj, List<KubeObject> events, ApiClient api)
    {
        if (obj.Kind == "NetworkPolicy")
        {
            // kubectl's own layout for this kind ("Created on:", the spec in sentences, no Events).
            NetworkPolicyDescription.Write(o, obj);
            return;
        }

        if (obj.Kind == "Ingress")
        {
            // kubectl's own layout for this kind (each backend with its endpoints), and the controller annotations Edge ignores.
            List<KubeObject> services = await api.ListAsync(KindInfo.ForKind("Service")!, obj.Namespace, null);
            List<KubeObject> endpoints = await api.ListAsync(KindInfo.ForKind("Endpoints")!, obj.Namespace, null);
            List<KubeObject> nodes = await api.ListAsync(KindInfo.ForKind("Node")!, null, null);
            IngressDescription.Write(o, obj, name => services.Find(s => s.Name == name), name => endpoints.Find(e => e.Name == name), EventsAbout(obj, events), DateTime.UtcNow, nodes);
            return;
        }

        var w = new Lines(o);
        w.Field("Name", obj.Name);
        if (obj.Namespace.Length > 0)
        {
            w.Field("Namespace", obj.Namespace);
        }

        w.Map("Labels", obj.Metadata["labels"] as JsonObject);
        w.Map("Annotations", obj.Metadata["annotations"] as JsonObject);
        w.Field("CreationTimestamp", (string?)obj.Metadata["creationTimestamp"] ?? "<unknown>");
        switch (obj.Kind)
        {
            case "Pod":
                DescribePod(w, obj);
                break;
            case "Node":
                await DescribeNodeAsync(w, obj, api);
                break;
            case "Service":
                await DescribeServiceAsync(w, obj, api);
                break;
            case "Deployment":
                w.Field("Selector", ResourceColumns.Selector(obj.Spec?["selector"]?["matchLabels"]));
                w.Field("Replicas", $"{JsonNumbers.AsInt(obj.Spec?["replicas"]) ?? 1} desired | {JsonNumbers.AsInt(obj.Json["status"]?["updatedReplicas"]) ?? 0} updated | {JsonNumbers.AsInt(obj.Json["status"]?["replicas"]) ?? 0} total | {JsonNumbers.AsInt(obj.Json["status"]?["availableReplicas"]) ?? 0} available");
                w.Field("StrategyType", (string?)obj.Spec?["strategy"]?["type"] ?? "RollingUpdate");
                w.Field("Pod Template", "");
                w.Field("  Containers", string.Join(", ", (obj.Spec?["template"]?["spec"]?["containers"] as JsonArray ?? []).Select(c => $"{(string?)c?["name"]} ({(string?)c?["image"]})")));
                break;
            case "Endpoints":
                w.Field("Subsets", ResourceColumns.Endpoints(obj));
                break;
            case "ConfigMap":
                // As kubectl describes a ConfigMap: each key, a rule, its value.
                w.Line("");
                w.Line("Data");
                w.Line("====");
                foreach ((string key, JsonNode? value) in obj.Json["data"] as JsonObject ?? [])
                {
                    w.Line($"{key}:");
                    w.Line("----");
                    w.Line((string?)value ?? "");
                    w.Line("");
                }

                w.Line("");
                w.Line("BinaryData");
                w.Line("====");
                foreach ((string key, JsonNode? value) in obj.Json["binaryData"] as JsonObject ?? [])
                {
                    int bytes = (string?)value is { } base64 && TryDecodedLength(base64, out int n) ? n : 0;
                    w.Line($"{key}: {bytes} bytes");
                }

                w.Line("");
                break;
            case "Secret":
                // As kubectl describes a Secret: its keys and their sizes, never their values.
                w.Field("Type", (string?)obj.Json["type"] ?? "Opaque");
                w.Line("");
                w.Line("Data");
                w.Line("====");
                foreach ((string key, JsonNode? value) in obj.Json["data"] as JsonObject ?? [])
                {
                    int bytes = (string?)value is { } base64 && TryDecodedLength(base64, out int n) ? n : 0;
                    w.Line($"{key}:  {bytes} bytes");
                }

                break;
            default:
                if (obj.Spec != null)
                {
                    w.Field("Spec", obj.Spec.ToJsonString());
                }

                break;
        }

        List<KubeObject> about = EventsAbout(obj, events);
        if (about.Count == 0)
        {
            o.WriteLine("Events:            <none>");
            return;
        }

        o.WriteLine("Events:");
        DateTime now = DateTime.UtcNow;
        var rows = about.Select(e => (IReadOnlyList<string>)new[]
        {
            (string?)e.Json["type"] ?? "", (string?)e.Json["reason"] ?? "", EventAge(e, now),
            (string?)e.Json["source"]?["component"] ?? "", (string?)e.Json["message"] ?? "",
        }).ToList();
        rows.Insert(0, ["----", "------", "----", "----", "-------"]);
        TextTable.Write(o, ["Type", "Reason", "Age", "From", "Message"], rows, indent: "  ");
    }

    // kubectl's: since it last happened, and how often over how long when more than once ("5s (x3 over 20s)").
    private static string EventAge(KubeObject e, DateTime now)
    {
        string last = Age.Of((string?)e.Json["lastTimestamp"], now);
        return JsonNumbers.AsInt(e.Json["count"]) is int count and > 1 && (string?)e.Json["firstTimestamp"] is string first
            ? $"{last} (x{count} over {Age.Of(first, now)})"
            : last;
    }

    private static List<KubeObject> EventsAbout(KubeObject obj, List<KubeObject> events) =>
        events.Where(e => (string?)e.Json["involvedObject"]?["kind"] == obj.Kind && (string?)e.Json["involvedObject"]?["name"] == obj.Name
            && ((string?)e.Json["involvedObject"]?["namespace"] ?? "") == obj.Namespace)
            .OrderBy(e => (string?)e.Json["lastTimestamp"] ?? "", StringComparer.Ordinal).ToList();

    private static void DescribePod(Lines w, KubeObject pod)
    {
        string? node = (string?)pod.Spec?["nodeName"];
        w.Field("Node", node ?? "<none>");
        w.Field("Status", ResourceColumns.PodStatus(pod));
        w.Field("IP", (string?)pod.Json["status"]?["podIP"] ?? "<none>");
        w.Field("Sandbox", CrictlViews.Describe(pod));
        JsonNode? owner = (pod.Metadata["ownerReferences"] as JsonArray)?.FirstOrDefault();
        if (owner != null)
        {
            w.Field("Controlled By", $"{(string?)owner["kind"]}/{(string?)owner["name"]}");
        }

        w.Field("Containers", "");
        JsonArray statuses = pod.Json["status"]?["containerStatuses"] as JsonArray ?? [];
        foreach (JsonNode? container in pod.Spec?["containers"] as JsonArray ?? [])
        {
            JsonNode? status = statuses.FirstOrDefault(s => (string?)s?["name"] == (string?)container?["name"]);
            w.Line($"  {(string?)container?["name"]}:");
            w.Field("    Image", (string?)container?["image"] ?? "");
            JsonObject? state = status?["state"] as JsonObject;
            (string stateName, JsonNode? detail) = state?.FirstOrDefault() is { Key: var k, Value: var v } ? (k, v) : ("Waiting", null);
            w.Field("    State", char.ToUpperInvariant(stateName[0]) + stateName[1..]);
            foreach ((string key, JsonNode? value) in detail as JsonObject ?? [])
            {
                w.Field("      " + char.ToUpperInvariant(key[0]) + key[1..], (string?)value ?? "");
            }

            if (status?["lastState"]?["terminated"] is JsonObject last)
            {
                w.Field("    Last State", "Terminated");
                w.Field("      Reason", (string?)last["reason"] ?? "");
                w.Field("      Exit Code", (JsonNumbers.AsInt(last["exitCode"]) ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            w.Field("    Ready", status?["ready"]?.GetValue<bool>() == true ? "True" : "False");
            w.Field("    Restart Count", (JsonNumbers.AsInt(status?["restartCount"]) ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.Quantities("Limits", container?["resources"]?["limits"] as JsonObject);
            w.Quantities("Requests", container?["resources"]?["requests"] as JsonObject);
            foreach ((string field, string label) in new[] { ("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"), ("startupProbe", "Startup") })
            {
                if (container?[field] is JsonObject probe)
                {
                    w.Field("    " + label, ProbeDescription.Describe(probe));
                }
            }

            if (container is JsonObject c)
            {
                w.Environment(pod, c);
            }
        }

        Conditions(w, pod);
        w.Field("QoS Class", (string?)pod.Json["status"]?["qosClass"] ?? PodResources.QosClass(pod.Spec));
    }

    private static async Task DescribeNodeAsync(Lines w, KubeObject node, ApiClient api)
    {
        w.Field("Addresses", "");
        foreach (JsonNode? address in node.Json["status"]?["addresses"] as JsonArray ?? [])
        {
            w.Field("  " + (string?)address?["type"], (string?)address?["address"] ?? "");
        }

        w.Field("PodCIDR", (string?)node.Spec?["podCIDR"] ?? "<none>");
        w.Field("Unschedulable", node.Spec?["unschedulable"]?.GetValue<bool>() == true ? "true" : "false");
        w.Field("Board link", (string?)node.Metadata["annotations"]?["edge.dev/link"] ?? "<none>");
        w.Field("Firmware", (string?)node.Json["status"]?["nodeInfo"]?["kubeletVersion"] ?? "<unknown>");
        w.Resources(node);
        var conditions = node.Json["status"]?["conditions"] as JsonArray ?? [];
        w.Line("Conditions:");
        w.Table(["Type", "Status", "LastHeartbeatTime", "LastTransitionTime", "Reason", "Message"],
            conditions.Select(c => (IReadOnlyList<string>)new[]
            {
                (string?)c?["type"] ?? "", (string?)c?["status"] ?? "", (string?)c?["lastHeartbeatTime"] ?? "", (string?)c?["lastTransitionTime"] ?? "",
                (string?)c?["reason"] ?? "", (string?)c?["message"] ?? "",
            }));

        List<KubeObject> pods = (await api.ListAsync(KindInfo.ForKind("Pod")!, null, null))
            .Where(p => (string?)p.Spec?["nodeName"] == node.Name).OrderBy(p => p.Namespace).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
        w.Allocation(node, pods);
    }

    private static async Task DescribeServiceAsync(Lines w, KubeObject service, ApiClient api)
    {
        w.Field("Selector", ResourceColumns.Selector(service.Spec?["selector"]));
        w.Field("Type", (string?)service.Spec?["type"] ?? "ClusterIP");
        w.Field("IP", (string?)service.Spec?["clusterIP"] ?? "None");
        if ((string?)service.Spec?["externalName"] is string external)
        {
            w.Field("External Name", external);
        }

        KubeObject? endpoints = await api.TryGetAsync(KindInfo.ForKind("Endpoints")!, service.Namespace, service.Name);
        foreach (JsonNode? port in service.Spec?["ports"] as JsonArray ?? [])
        {
            string name = (string?)port?["name"] ?? "<unset>";
            w.Field("Port", $"{name}  {JsonNumbers.AsInt(port?["port"])}/{(string?)port?["protocol"] ?? "TCP"}");
            w.Field("TargetPort", port?["targetPort"] is JsonNode target ? $"{target.ToString()}/{(string?)port?["protocol"] ?? "TCP"}" : $"{JsonNumbers.AsInt(port?["port"])}/TCP");
            if (JsonNumbers.AsInt(port?["nodePort"]) is int nodePort)
            {
                w.Field("NodePort", $"{name}  {nodePort}/{(string?)port?["protocol"] ?? "TCP"}");
            }
        }

        w.Field("Endpoints", endpoints == null ? "<none>" : ResourceColumns.Endpoints(endpoints));
        w.Field("Session Affinity", (string?)service.Spec?["sessionAffinity"] ?? "None");
    }

    private static void Conditions(Lines w, KubeObject obj)
    {
        w.Line("Conditions:");
        w.Line("  Type              Status");
        foreach (JsonNode? c in obj.Json["status"]?["conditions"] as JsonArray ?? [])
        {
            w.Line($"  {(string?)c?["type"],-17} {(string?)c?["status"]}");
        }
    }

    /// <summary>kubectl's "Key:  value" lines, values aligned in one column.</summary>
    private sealed class Lines(TextWriter output)
    {
        public void Field(string key, string value) => output.WriteLine($"{(key.Length > 0 ? key + ":" : ""),-19}{value}".TrimEnd());

        public void Line(string text) => output.WriteLine(text);

        /// <summary>A Node's Capacity and Allocatable, as kubectl prints them (pods, and the TLS sessions a board takes).</summary>
        public void Resources(KubeObject node) => NodeResources.Write(output, node);

        /// <summary>The node's pods with their requests and limits, and the sums against what it offers, as kubectl prints them.</summary>
        public void Allocation(KubeObject node, IEnumerable<KubeObject> pods) => NodeAllocation.Write(output, node, pods, DateTime.UtcNow);

        /// <summary>A container's envFrom and env, as kubectl's describer prints them (a Secret's keys named, never its values).</summary>
        public void Environment(KubeObject pod, JsonObject container) => ContainerEnvDescription.Write(output, pod, container);

        /// <summary>A container's limits or requests: the title, then each resource on its own line, as kubectl's describer.</summary>
        public void Quantities(string title, JsonObject? quantities)
        {
            if (quantities is not { Count: > 0 })
            {
                return;
            }

            Line($"    {title}:");
            var aligned = new TabbedText(output);
            foreach ((string name, JsonNode? value) in quantities.OrderBy(q => q.Key, StringComparer.Ordinal))
            {
                aligned.Line($"      {name}:\t{(value is JsonValue v && v.TryGetValue(out string? text) ? text : value?.ToJsonString())}");
            }

            aligned.Flush();
        }

        public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows) => TextTable.Write(output, headers, rows, indent: "  ");

        public void Map(string key, JsonObject? map)
        {
            if (map == null || map.Count == 0)
            {
                Field(key, "<none>");
                return;
            }

            bool first = true;
            foreach ((string k, JsonNode? v) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                Field(first ? key : "", $"{k}={(string?)v}");
                first = false;
            }
        }
    }

    private static bool TryDecodedLength(string base64, out int length)
    {
        byte[] buffer = new byte[base64.Length];
        bool ok = Convert.TryFromBase64String(base64, buffer, out length);
        return ok;
    }
}
