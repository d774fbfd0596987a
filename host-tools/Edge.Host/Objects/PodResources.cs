using System.Text.Json.Nodes;

namespace Edge.Host.Objects;

/// <summary>
/// A pod's cpu and memory as Kubernetes counts them: each container's requests (a limit without
/// a request is also the request, as the API defaults it), summed over the containers for the
/// scheduler, and the QoS class the API server writes into status.qosClass.
/// </summary>
public static class PodResources
{
    public const string Cpu = "cpu";
    public const string Memory = "memory";

    /// <summary>What the pod asks the scheduler for: millicores and bytes, summed over its containers.</summary>
    public static (long MilliCpu, long MemoryBytes) Requests(JsonObject? podSpec)
    {
        long cpu = 0, memory = 0;
        foreach (JsonObject container in Containers(podSpec))
        {
            cpu = Quantity.Add(cpu, Request(container, Cpu)?.MilliValue ?? 0);
            memory = Quantity.Add(memory, Request(container, Memory)?.WholeValue ?? 0);
        }

        return (cpu, memory);
    }

    /// <summary>The limits summed over containers, for `describe node`; a container without one adds nothing.</summary>
    public static (long MilliCpu, long MemoryBytes) Limits(JsonObject? podSpec)
    {
        long cpu = 0, memory = 0;
        foreach (JsonObject container in Containers(podSpec))
        {
            cpu = Quantity.Add(cpu, Limit(container, Cpu)?.MilliValue ?? 0);
            memory = Quantity.Add(memory, Limit(container, Memory)?.WholeValue ?? 0);
        }

        return (cpu, memory);
    }

    /// <summary>A container's request for a resource: the request, else the limit, else none.</summary>
    public static Quantity? Request(JsonObject container, string resource) =>
        Read(container["resources"]?["requests"]?[resource]) ?? Limit(container, resource);

    /// <summary>A container's limit for a resource, or none.</summary>
    public static Quantity? Limit(JsonObject container, string resource) => Read(container["resources"]?["limits"]?[resource]);

    /// <summary>
    /// The API's defaulting: a resource a container limits but does not request is requested at its
    /// limit (so `get pod -o yaml` shows the request the scheduler counts).
    /// </summary>
    public static void DefaultRequestsFromLimits(JsonObject? podSpec)
    {
        foreach (JsonObject container in Containers(podSpec))
        {
            if (container["resources"]?["limits"] is not JsonObject limits || limits.Count == 0)
            {
                continue;
            }

            var resources = (JsonObject)container["resources"]!;
            var requests = resources["requests"] as JsonObject ?? (JsonObject)(resources["requests"] = new JsonObject());
            foreach ((string name, JsonNode? limit) in limits)
            {
                if (!requests.ContainsKey(name))
                {
                    requests[name] = limit?.DeepClone();
                }
            }
        }
    }

    /// <summary>
    /// Guaranteed when every container limits cpu and memory and requests what it limits;
    /// BestEffort when no container requests or limits either; Burstable otherwise.
    /// </summary>
    public static string QosClass(JsonObject? podSpec)
    {
        bool any = false, guaranteed = true;
        foreach (JsonObject container in Containers(podSpec))
        {
            foreach (string resource in new[] { Cpu, Memory })
            {
                // As GetPodQOS: a quantity of 0 is no request or limit at all.
                Quantity? limit = Limit(container, resource) is { Value: > 0 } l ? l : null;
                Quantity? request = Request(container, resource) is { Value: > 0 } r ? r : null;
                any |= limit != null || request != null;
                guaranteed &= limit != null && request != null && limit.Value.Value == request.Value.Value;
            }
        }

        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    /// <summary>
    /// What kube-apiserver's validation says of a pod's resources: names it does not know,
    /// quantities that are not ones or are negative, and a request above its limit.
    /// </summary>
    public static IEnumerable<(string Field, string Message)> Problems(JsonObject? podSpec, string at)
    {
        int i = 0;
        foreach (JsonObject container in Containers(podSpec))
        {
            string c = $"{at}.containers[{i++}].resources";
            foreach (string field in new[] { "limits", "requests" })
            {
                foreach ((string name, JsonNode? node) in container["resources"]?[field] as JsonObject ?? [])
                {
                    string where = $"{c}.{field}[{name}]";
                    if (Read(node) is not Quantity q)
                    {
                        yield return (where, $"Invalid value: \"{node}\": quantities must match the regular expression '{Quantity.Pattern}'");
                    }
                    else if (q.Value < 0)
                    {
                        yield return (where, $"Invalid value: \"{q}\": must be greater than or equal to 0");
                    }
                    else if (!KnownName(name))
                    {
                        yield return ($"{c}.{field}", $"Invalid value: \"{name}\": must be a standard resource type or fully qualified");
                    }
                    else if (name.Contains('/') && q.Value != Math.Floor(q.Value))
                    {
                        yield return (where, $"Invalid value: \"{q}\": must be an integer");
                    }
                }
            }

            foreach ((string name, JsonNode? node) in container["resources"]?["requests"] as JsonObject ?? [])
            {
                if (Read(node) is Quantity request && Limit(container, name) is Quantity limit && request.Value > limit.Value)
                {
                    yield return ($"{c}.requests", $"Invalid value: \"{request}\": must be less than or equal to {name} limit of {limit}");
                }
            }
        }
    }

    // A container's standard resources, or an extended one (a domain-qualified name, as edge.dev/tls-sessions).
    private static bool KnownName(string name) =>
        name is Cpu or Memory or "ephemeral-storage" || name.StartsWith("hugepages-", StringComparison.Ordinal) || (name.Contains('/') && !name.StartsWith("kubernetes.io/", StringComparison.Ordinal));

    /// <summary><see cref="Problems"/> as kube-apiserver joins them into one message.</summary>
    public static IEnumerable<string> LimitProblems(JsonObject? podSpec, string at) => Problems(podSpec, at).Select(p => $"{p.Field}: {p.Message}");

    public static IEnumerable<JsonObject> Containers(JsonObject? podSpec) => (podSpec?["containers"] as JsonArray ?? []).OfType<JsonObject>();

    /// <summary>A quantity as a manifest writes it: a string ("64Mi"), or a bare number (YAML's `cpu: 1`).</summary>
    public static Quantity? Read(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue(out string? text))
        {
            return Quantity.TryParse(text, out Quantity q) ? q : null;
        }

        // A number however the reader typed it (long from YAML, decimal from JSON): its JSON text is the quantity.
        return value.GetValueKind() == System.Text.Json.JsonValueKind.Number && Quantity.TryParse(value.ToJsonString(), out Quantity n) ? n : null;
    }
}
