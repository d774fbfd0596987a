using System.Globalization;
using System.Text.Json.Nodes;

namespace Edge.Host.Objects;

/// <summary>
/// A namespace's LimitRanges applied to a pod being created, as kube-apiserver's LimitRanger
/// admission plugin applies them: first each range's container defaults fill the limits and
/// requests a container leaves out (noted in the kubernetes.io/limit-ranger annotation), then
/// every range's min, max and maxLimitRequestRatio are enforced per container and, for type Pod,
/// over the pod's sums. A pod that breaks one is forbidden, with kube-apiserver's words.
/// </summary>
public static class LimitRanger
{
    public const string Annotation = "kubernetes.io/limit-ranger";

    /// <summary>
    /// The defaults the API writes into a LimitRange's Container items when it is stored: max
    /// becomes the default limit, the default limit the default request, min the default request.
    /// </summary>
    public static void Default(KubeObject limitRange)
    {
        foreach (JsonObject item in Items(limitRange).Where(i => (string?)i["type"] == "Container"))
        {
            JsonObject defaults = Section(item, "default");
            JsonObject defaultRequests = Section(item, "defaultRequest");
            Fill(defaults, item["max"] as JsonObject);
            Fill(defaultRequests, defaults);
            Fill(defaultRequests, item["min"] as JsonObject);
            Drop(item, "default");
            Drop(item, "defaultRequest");
        }
    }

    /// <summary>Fills the pod's containers from the ranges' defaults; then the ranges' limits, as messages (none: admitted).</summary>
    public static List<string> Admit(KubeObject pod, IReadOnlyList<KubeObject> limitRanges)
    {
        var errors = new List<string>();
        if (limitRanges.Count == 0 || pod.Spec is not JsonObject spec)
        {
            return errors;
        }

        var set = new List<string>();
        foreach (KubeObject range in limitRanges)
        {
            foreach (JsonObject item in Items(range).Where(i => (string?)i["type"] == "Container"))
            {
                foreach (JsonObject container in PodResources.Containers(spec))
                {
                    Merge(container, item["default"] as JsonObject, item["defaultRequest"] as JsonObject, set);
                }
            }
        }

        if (set.Count > 0)
        {
            var annotations = pod.Metadata["annotations"] as JsonObject ?? (JsonObject)(pod.Metadata["annotations"] = new JsonObject());
            annotations[Annotation] = "LimitRanger plugin set: " + string.Join("; ", set);
        }

        foreach (KubeObject range in limitRanges)
        {
            foreach (JsonObject item in Items(range))
            {
                string type = (string?)item["type"] ?? "";
                if (type == "Container")
                {
                    foreach (JsonObject container in PodResources.Containers(spec))
                    {
                        Enforce(item, "Container", container["resources"]?["requests"] as JsonObject, container["resources"]?["limits"] as JsonObject, errors);
                    }
                }
                else if (type == "Pod")
                {
                    (JsonObject requests, JsonObject limits) = PodSums(spec);
                    Enforce(item, "Pod", requests, limits, errors);
                }
            }
        }

        return errors;
    }

    /// <summary>kube-apiserver's refusal: one reason as it is, several in brackets.</summary>
    public static string Forbidden(KubeObject pod, IReadOnlyList<string> errors) =>
        $"pods \"{pod.Name}\" is forbidden: {(errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]")}";

    private static void Merge(JsonObject container, JsonObject? defaultLimits, JsonObject? defaultRequests, List<string> set)
    {
        var resources = container["resources"] as JsonObject ?? (JsonObject)(container["resources"] = new JsonObject());
        var setLimits = Copy(defaultLimits, resources, "limits");
        var setRequests = Copy(defaultRequests, resources, "requests");
        string name = (string?)container["name"] ?? "";
        if (setRequests.Count > 0)
        {
            set.Add($"{string.Join(", ", setRequests.Order(StringComparer.Ordinal))} request for container {name}");
        }

        if (setLimits.Count > 0)
        {
            set.Add($"{string.Join(", ", setLimits.Order(StringComparer.Ordinal))} limit for container {name}");
        }

        if (resources.Count == 0)
        {
            container.Remove("resources");
        }
    }

    private static List<string> Copy(JsonObject? from, JsonObject resources, string field)
    {
        var names = new List<string>();
        if (from == null || from.Count == 0)
        {
            return names;
        }

        var to = resources[field] as JsonObject ?? (JsonObject)(resources[field] = new JsonObject());
        foreach ((string name, JsonNode? value) in from)
        {
            if (!to.ContainsKey(name))
            {
                to[name] = value?.DeepClone();
                names.Add(name);
            }
        }

        return names;
    }

    private static void Enforce(JsonObject item, string type, JsonObject? requests, JsonObject? limits, List<string> errors)
    {
        foreach ((string name, JsonNode? node) in item["min"] as JsonObject ?? [])
        {
            if (PodResources.Read(node) is not Quantity min)
            {
                continue;
            }

            Quantity? request = PodResources.Read(requests?[name]), limit = PodResources.Read(limits?[name]);
            if (request == null)
            {
                errors.Add($"minimum {name} usage per {type} is {min}.  No request is specified");
            }
            else if (Amount(name, request.Value) < Amount(name, min))
            {
                errors.Add($"minimum {name} usage per {type} is {min}, but request is {request}");
            }
            else if (limit != null && Amount(name, limit.Value) < Amount(name, min))
            {
                errors.Add($"minimum {name} usage per {type} is {min}, but limit is {limit}");
            }
        }

        foreach ((string name, JsonNode? node) in item["max"] as JsonObject ?? [])
        {
            if (PodResources.Read(node) is not Quantity max)
            {
                continue;
            }

            Quantity? request = PodResources.Read(requests?[name]), limit = PodResources.Read(limits?[name]);
            if (limit == null)
            {
                errors.Add($"maximum {name} usage per {type} is {max}.  No limit is specified");
            }
            else if (Amount(name, limit.Value) > Amount(name, max))
            {
                errors.Add($"maximum {name} usage per {type} is {max}, but limit is {limit}");
            }
            else if (request != null && Amount(name, request.Value) > Amount(name, max))
            {
                errors.Add($"maximum {name} usage per {type} is {max}, but request is {request}");
            }
        }

        foreach ((string name, JsonNode? node) in item["maxLimitRequestRatio"] as JsonObject ?? [])
        {
            if (PodResources.Read(node) is not Quantity ratio)
            {
                continue;
            }

            Quantity? request = PodResources.Read(requests?[name]), limit = PodResources.Read(limits?[name]);
            if (request is not { Value: > 0 })
            {
                errors.Add($"{name} max limit to request ratio per {type} is {ratio}, but no request is specified or request is 0");
            }
            else if (limit is not { Value: > 0 })
            {
                errors.Add($"{name} max limit to request ratio per {type} is {ratio}, but no limit is specified or limit is 0");
            }
            else if (limit.Value.Value / request.Value.Value > ratio.Value)
            {
                errors.Add($"{name} max limit to request ratio per {type} is {ratio}, but provided ratio is {(limit.Value.Value / request.Value.Value).ToString("F6", CultureInfo.InvariantCulture)}");
            }
        }
    }

    // A type Pod item compares the pod's sums: requests over the containers that make them; a limit
    // only when every container sets it (one without is unbounded, so the pod is too).
    private static (JsonObject Requests, JsonObject Limits) PodSums(JsonObject spec)
    {
        var containers = PodResources.Containers(spec).ToList();
        JsonObject Sum(string field)
        {
            bool everyContainer = field == "limits";
            var sums = new JsonObject();
            foreach (string name in containers.SelectMany(c => (c["resources"]?[field] as JsonObject ?? []).Select(p => p.Key)).Distinct())
            {
                var values = containers.Select(c => PodResources.Read(c["resources"]?[field]?[name])).ToList();
                if (!everyContainer || values.All(v => v != null))
                {
                    // Summed as kube-apiserver sums quantities, and written as it prints one (300m, 5Ki).
                    long total = values.Aggregate(0L, (sum, q) => Quantity.Add(sum, q == null ? 0 : Amount(name, q.Value)));
                    sums[name] = name == PodResources.Cpu ? Quantity.FormatMilli(total) : Quantity.FormatBytes(total);
                }
            }

            return sums;
        }

        return (Sum("requests"), Sum("limits"));
    }

    // What the bounds compare, as requestLimitEnforcedValues: cpu in millicores, the rest in whole units, each rounded up.
    private static long Amount(string resource, Quantity q) => resource == PodResources.Cpu ? q.MilliValue : q.WholeValue;

    private static IEnumerable<JsonObject> Items(KubeObject limitRange) => (limitRange.Spec?["limits"] as JsonArray ?? []).OfType<JsonObject>();

    private static JsonObject Section(JsonObject item, string name) => item[name] as JsonObject ?? (JsonObject)(item[name] = new JsonObject());

    private static void Fill(JsonObject to, JsonObject? from)
    {
        foreach ((string name, JsonNode? value) in from ?? [])
        {
            if (!to.ContainsKey(name))
            {
                to[name] = value?.DeepClone();
            }
        }
    }

    private static void Drop(JsonObject item, string name)
    {
        if (item[name] is JsonObject { Count: 0 })
        {
            item.Remove(name);
        }
    }
}
