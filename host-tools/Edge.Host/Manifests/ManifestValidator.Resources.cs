using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Manifests;

/// <summary>
/// Containers' requests and limits, and LimitRanges, as kube-apiserver validates them
/// (pkg/apis/core/validation), in its words; and, as warnings, what a board has nothing to give:
/// ephemeral storage and huge pages.
/// </summary>
public static partial class ManifestValidator
{
    private static void ContainerResources(Checker v, JsonObject spec, string at)
    {
        foreach ((string field, string message) in PodResources.Problems(spec, at))
        {
            v.Error(field, message);
        }

        int i = 0;
        foreach (JsonObject container in PodResources.Containers(spec))
        {
            string c = $"{at}.containers[{i++}].resources";
            foreach (string field in new[] { "requests", "limits" })
            {
                foreach ((string name, _) in container["resources"]?[field] as JsonObject ?? [])
                {
                    if (name == "ephemeral-storage" || name.StartsWith("hugepages-", StringComparison.Ordinal))
                    {
                        v.Warning($"{c}.{field}[{name}]", "ignored: boards have no storage or huge pages; only cpu and memory are scheduled and enforced");
                    }
                }
            }
        }
    }

    private static void LimitRange(Checker v, JsonObject? spec)
    {
        if (spec?["limits"] is not JsonArray limits)
        {
            v.Error("spec.limits", "Required value");
            return;
        }

        for (int i = 0; i < limits.Count; i++)
        {
            string at = $"spec.limits[{i}]";
            if (limits[i] is not JsonObject item)
            {
                continue;
            }

            string type = (string?)item["type"] ?? "";
            if (type is not ("Container" or "Pod" or "PersistentVolumeClaim"))
            {
                v.Error(at + ".type", type.Length == 0 ? "Required value" : $"Unsupported value: \"{type}\": supported values: \"Container\", \"Pod\", \"PersistentVolumeClaim\"");
                continue;
            }

            if (type == "PersistentVolumeClaim")
            {
                v.Warning(at, "ignored: boards have no volumes to claim");
            }

            if (type == "Pod")
            {
                foreach (string field in new[] { "default", "defaultRequest" })
                {
                    if (item[field] is JsonObject { Count: > 0 })
                    {
                        v.Error($"{at}.{field}", "may not be specified when `type` is 'Pod'");
                    }
                }
            }

            var read = new Dictionary<string, Dictionary<string, Quantity>>();
            foreach (string field in new[] { "max", "min", "default", "defaultRequest", "maxLimitRequestRatio" })
            {
                read[field] = [];
                foreach ((string name, JsonNode? node) in item[field] as JsonObject ?? [])
                {
                    if (PodResources.Read(node) is not Quantity q)
                    {
                        v.Error($"{at}.{field}[{name}]", $"Invalid value: \"{node}\": quantities must match the regular expression '{Quantity.Pattern}'");
                    }
                    else if (q.Value < 0)
                    {
                        v.Error($"{at}.{field}[{name}]", $"Invalid value: \"{q}\": must be greater than or equal to 0");
                    }
                    else
                    {
                        read[field][name] = q;
                    }
                }
            }

            // kube-apiserver's order among the bounds of one resource: min <= defaultRequest <= default <= max.
            foreach (string name in read.Values.SelectMany(r => r.Keys).Distinct())
            {
                Quantity? Of(string field) => read[field].TryGetValue(name, out Quantity q) ? q : null;
                Quantity? min = Of("min"), max = Of("max"), limit = Of("default"), request = Of("defaultRequest"), ratio = Of("maxLimitRequestRatio");
                if (min != null && max != null && min.Value.Value > max.Value.Value)
                {
                    v.Error($"{at}.min[{name}]", $"Invalid value: \"{min}\": min value {min} is greater than max value {max}");
                }

                if (request != null && min != null && min.Value.Value > request.Value.Value)
                {
                    v.Error($"{at}.defaultRequest[{name}]", $"Invalid value: \"{request}\": min value {min} is greater than default request value {request}");
                }

                if (request != null && max != null && request.Value.Value > max.Value.Value)
                {
                    v.Error($"{at}.defaultRequest[{name}]", $"Invalid value: \"{request}\": default request value {request} is greater than max value {max}");
                }

                if (request != null && limit != null && request.Value.Value > limit.Value.Value)
                {
                    v.Error($"{at}.defaultRequest[{name}]", $"Invalid value: \"{request}\": default request value {request} is greater than default limit value {limit}");
                }

                if (limit != null && min != null && min.Value.Value > limit.Value.Value)
                {
                    v.Error($"{at}.default[{name}]", $"Invalid value: \"{limit}\": min value {min} is greater than default value {limit}");
                }

                if (limit != null && max != null && limit.Value.Value > max.Value.Value)
                {
                    v.Error($"{at}.default[{name}]", $"Invalid value: \"{limit}\": default value {limit} is greater than max value {max}");
                }

                if (ratio != null && ratio.Value.Value < 1)
                {
                    v.Error($"{at}.maxLimitRequestRatio[{name}]", $"Invalid value: \"{ratio}\": ratio {ratio} is less than 1");
                }
            }
        }
    }
}
