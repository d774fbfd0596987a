using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Controllers;

/// <summary>
/// The endpoints controller's rule: a Service's Endpoints are the pods its selector picks,
/// ready ones under addresses and the rest under notReadyAddresses, with each service port's
/// targetPort resolved per pod (a named targetPort is looked up in that pod's containerPorts).
/// Pods that resolve ports differently land in different subsets, as in Kubernetes.
/// </summary>
public static class EndpointsBuilder
{
    /// <summary>The Endpoints for a service, or null for one Edge leaves alone (no selector, ExternalName).</summary>
    public static KubeObject? Build(KubeObject service, IEnumerable<KubeObject> pods)
    {
        JsonObject? spec = service.Spec;
        if ((string?)spec?["type"] == "ExternalName" || LabelSelector.FromJson(spec?["selector"]) is not LabelSelector selector || selector.IsEmpty)
        {
            return null;
        }

        JsonArray servicePorts = spec!["ports"] as JsonArray ?? [];
        var subsets = new Dictionary<string, (JsonArray Ports, JsonArray Ready, JsonArray NotReady)>();
        foreach (KubeObject pod in pods.Where(p => p.Namespace == service.Namespace && selector.Matches(p.Labels)).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            string? ip = (string?)pod.Json["status"]?["podIP"];
            if (string.IsNullOrEmpty(ip) || pod.Metadata["deletionTimestamp"] != null || (string?)pod.Json["status"]?["phase"] is "Succeeded" or "Failed")
            {
                continue;
            }

            var ports = new JsonArray();
            bool allResolved = true;
            foreach (JsonNode? port in servicePorts)
            {
                int? target = ResolveTargetPort(port!, pod);
                if (target == null)
                {
                    allResolved = false; // as Kubernetes: a pod without the named port is not an endpoint of it
                    break;
                }

                var endpointPort = new JsonObject { ["port"] = target.Value, ["protocol"] = (string?)port!["protocol"] ?? "TCP" };
                if ((string?)port["name"] is string name && name.Length > 0)
                {
                    endpointPort.Insert(0, "name", name);
                }

                ports.Add(endpointPort);
            }

            if (!allResolved)
            {
                continue;
            }

            string key = ports.ToJsonString();
            if (!subsets.TryGetValue(key, out var subset))
            {
                subset = subsets[key] = (ports, [], []);
            }

            var address = new JsonObject
            {
                ["ip"] = ip,
                ["nodeName"] = (string?)pod.Spec?["nodeName"],
                ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = pod.Namespace, ["name"] = pod.Name },
            };
            if ((string?)pod.Spec?["hostname"] is string hostname && hostname.Length > 0)
            {
                address.Insert(1, "hostname", hostname);
            }

            (IsReady(pod) ? subset.Ready : subset.NotReady).Add(address);
        }

        var result = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Endpoints",
            ["metadata"] = new JsonObject
            {
                ["name"] = service.Name,
                ["namespace"] = service.Namespace,
                ["labels"] = service.Metadata["labels"]?.DeepClone(),
            },
            ["subsets"] = new JsonArray(subsets.Values.Select(s =>
            {
                var subset = new JsonObject();
                if (s.Ready.Count > 0)
                {
                    subset["addresses"] = s.Ready;
                }

                if (s.NotReady.Count > 0)
                {
                    subset["notReadyAddresses"] = s.NotReady;
                }

                subset["ports"] = s.Ports;
                return (JsonNode)subset;
            }).ToArray()),
        };
        if (result["metadata"]!["labels"] == null)
        {
            ((JsonObject)result["metadata"]!).Remove("labels");
        }

        return new KubeObject(result);
    }

    /// <summary>A pod is ready when its Ready condition says so, or (with no conditions reported yet) when it is Running.</summary>
    public static bool IsReady(KubeObject pod)
    {
        if (pod.Json["status"]?["conditions"] is JsonArray conditions && conditions.Count > 0)
        {
            return conditions.Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True");
        }

        return (string?)pod.Json["status"]?["phase"] == "Running";
    }

    private static int? ResolveTargetPort(JsonNode servicePort, KubeObject pod)
    {
        JsonNode? target = servicePort["targetPort"];
        if (target == null)
        {
            return JsonNumbers.AsInt(servicePort["port"]);
        }

        if (JsonNumbers.AsInt(target, allowQuoted: true) is int numeric)
        {
            return numeric;
        }

        string? name = target.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)target : null;

        string protocol = (string?)servicePort["protocol"] ?? "TCP";
        foreach (JsonNode? container in pod.Spec?["containers"] as JsonArray ?? [])
        {
            foreach (JsonNode? port in container?["ports"] as JsonArray ?? [])
            {
                if ((string?)port?["name"] == name && ((string?)port?["protocol"] ?? "TCP") == protocol)
                {
                    return JsonNumbers.AsInt(port?["containerPort"]);
                }
            }
        }

        return null;
    }
}
