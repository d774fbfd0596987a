using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Controllers;

/// <summary>
/// The deployment controller's arithmetic, one step at a time. Pods whose pod-template-hash
/// matches the current template are new, the rest old. RollingUpdate creates new pods while
/// the total stays within replicas + maxSurge, and removes old ones while the ready pods stay
/// at or above replicas - maxUnavailable (old pods that are not ready go first: removing them
/// costs no availability). Recreate removes every old pod before creating new ones. Called
/// again whenever a pod changes, it walks the rollout forward to replicas new, ready pods.
/// </summary>
public static class DeploymentPlanner
{
    public static DeploymentPlan Plan(KubeObject deployment, IReadOnlyList<KubeObject> ownedPods, Random random)
    {
        JsonObject spec = deployment.Spec ?? [];
        int replicas = JsonNumbers.AsInt(spec["replicas"]) ?? 1;
        JsonNode? template = spec["template"];
        string hash = PodTemplateHash.Of(template);

        List<KubeObject> live = ownedPods.Where(p => p.Metadata["deletionTimestamp"] == null && (string?)p.Json["status"]?["phase"] is not ("Succeeded" or "Failed")).ToList();
        List<KubeObject> current = live.Where(p => p.Labels.GetValueOrDefault("pod-template-hash") == hash).ToList();
        List<KubeObject> old = live.Except(current).ToList();
        int ready = live.Count(EndpointsBuilder.IsReady);

        var create = new List<KubeObject>();
        var delete = new List<string>();
        var names = new HashSet<string>(ownedPods.Select(p => p.Name));

        if ((string?)spec["strategy"]?["type"] == "Recreate")
        {
            if (old.Count > 0)
            {
                delete.AddRange(old.Select(p => p.Name));
            }
            else
            {
                Scale(current, replicas);
            }

            return Result();
        }

        var (maxSurge, maxUnavailable) = RollingLimits(spec["strategy"]?["rollingUpdate"], replicas);
        if (old.Count == 0)
        {
            Scale(current, replicas);
            return Result();
        }

        // Surge: new pods, as long as the total stays within replicas + maxSurge.
        int toCreate = Math.Max(0, Math.Min(replicas - current.Count, replicas + maxSurge - live.Count));
        AddPods(toCreate);

        // Old pods that are not ready cost no availability: they go first.
        int minAvailable = replicas - maxUnavailable;
        int removable = ready - minAvailable;
        foreach (KubeObject pod in old.OrderBy(p => EndpointsBuilder.IsReady(p)).ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            if (!EndpointsBuilder.IsReady(pod))
            {
                delete.Add(pod.Name);
            }
            else if (removable > 0)
            {
                delete.Add(pod.Name);
                removable--;
            }
        }

        return Result();

        DeploymentPlan Result() => new(create, delete, replicas, live.Count, current.Count, ready, hash);

        void Scale(List<KubeObject> pods, int want)
        {
            if (pods.Count < want)
            {
                AddPods(want - pods.Count);
            }
            else if (pods.Count > want)
            {
                // Scale down the pods that give least: not ready, then not yet placed, then the last by name.
                delete.AddRange(pods
                    .OrderBy(p => EndpointsBuilder.IsReady(p))
                    .ThenBy(p => p.Spec?["nodeName"] != null)
                    .ThenByDescending(p => p.Name, StringComparer.Ordinal)
                    .Take(pods.Count - want)
                    .Select(p => p.Name));
            }
        }

        void AddPods(int count)
        {
            for (int i = 0; i < count; i++)
            {
                string name;
                do
                {
                    name = $"{deployment.Name}-{hash}-{PodTemplateHash.Suffix(random)}";
                }
                while (!names.Add(name));

                create.Add(NewPod(deployment, template, hash, name));
            }
        }
    }

    /// <summary>maxSurge and maxUnavailable as counts: percentages of replicas, surge rounded up and unavailable down, defaults 25%.</summary>
    public static (int MaxSurge, int MaxUnavailable) RollingLimits(JsonNode? rollingUpdate, int replicas)
    {
        int surge = Count(rollingUpdate?["maxSurge"], replicas, roundUp: true);
        int unavailable = Count(rollingUpdate?["maxUnavailable"], replicas, roundUp: false);
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1; // as Kubernetes: a rollout must be able to move
        }

        return (surge, unavailable);
    }

    private static int Count(JsonNode? value, int replicas, bool roundUp)
    {
        if (JsonNumbers.AsInt(value) is int n)
        {
            return Math.Max(0, n);
        }

        string text = value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)v! : "25%";
        if (!text.EndsWith('%') || !int.TryParse(text[..^1], out int percent))
        {
            percent = 25;
        }

        double exact = replicas * percent / 100.0;
        return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
    }

    private static KubeObject NewPod(KubeObject deployment, JsonNode? template, string hash, string name)
    {
        var metadata = template?["metadata"]?.DeepClone() as JsonObject ?? [];
        var labels = metadata["labels"] as JsonObject ?? [];
        labels["pod-template-hash"] = hash;
        metadata["labels"] = labels;
        metadata["name"] = name;
        metadata["namespace"] = deployment.Namespace;
        metadata["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["name"] = deployment.Name,
            ["uid"] = (string?)deployment.Metadata["uid"],
            ["controller"] = true,
        });
        return new KubeObject(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = template?["spec"]?.DeepClone() ?? new JsonObject(),
            ["status"] = new JsonObject { ["phase"] = "Pending" },
        });
    }
}
