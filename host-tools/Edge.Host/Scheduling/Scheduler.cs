using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Scheduling;

/// <summary>
/// Picks a node for a pod as kube-scheduler does, in two phases. Filters drop nodes that
/// cannot take it (not Ready, cordoned, full, wrong labels, a taint it does not tolerate);
/// the first filter a node fails is its reason. Scores rank the rest: spread a workload's
/// replicas across boards first, then prefer the least loaded; ties go to the first name,
/// so a workshop sees the same placement every time.
/// </summary>
public static class Scheduler
{
    /// <summary>Boards run out of RAM long before this; a node that reports no capacity gets it.</summary>
    public const int DefaultPodCapacity = 16;

    public static SchedulingDecision Schedule(KubeObject pod, IReadOnlyList<KubeObject> nodes, IReadOnlyList<KubeObject> boundPods)
    {
        if (nodes.Count == 0)
        {
            return new SchedulingDecision(null, "0/0 nodes are available: no boards have joined; start the lab (edgectl lab up) or plug in a board.");
        }

        var reasons = new Dictionary<string, int>();
        var feasible = new List<(KubeObject Node, int Load, int Capacity)>();
        foreach (KubeObject node in nodes)
        {
            int load = boundPods.Count(p => NodeNameOf(p) == node.Name && !Finished(p));
            int capacity = PodCapacity(node);
            string? reason = Filter(pod, node, load, capacity);
            if (reason == null)
            {
                feasible.Add((node, load, capacity));
            }
            else
            {
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
        }

        if (feasible.Count == 0)
        {
            string summary = string.Join(", ", reasons.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Value} {r.Key}"));
            return new SchedulingDecision(null, $"0/{nodes.Count} nodes are available: {summary}.");
        }

        string? owner = pod.ControllerUid;
        var best = feasible
            .OrderBy(f => owner == null ? 0 : boundPods.Count(p => NodeNameOf(p) == f.Node.Name && !Finished(p) && p.ControllerUid == owner))
            .ThenBy(f => (double)f.Load / f.Capacity)
            .ThenBy(f => f.Node.Name, StringComparer.Ordinal)
            .First();
        return new SchedulingDecision(best.Node.Name, null);
    }

    private static string? Filter(KubeObject pod, KubeObject node, int load, int capacity)
    {
        if (!IsReady(node))
        {
            return "node(s) were not ready";
        }

        if ((bool?)node.Spec?["unschedulable"] == true)
        {
            return "node(s) were unschedulable";
        }

        if (pod.Spec?["nodeSelector"] is JsonObject selector &&
            selector.Any(s => !node.Labels.TryGetValue(s.Key, out string? value) || value != (string?)s.Value))
        {
            return "node(s) didn't match Pod's node affinity/selector";
        }

        foreach (JsonNode? taint in node.Spec?["taints"] as JsonArray ?? [])
        {
            string effect = (string?)taint?["effect"] ?? "";
            if (effect is "NoSchedule" or "NoExecute" && !Tolerates(pod, taint!))
            {
                return $"node(s) had untolerated taint {{{(string?)taint!["key"]}: {(string?)taint["value"]}}}";
            }
        }

        return load >= capacity ? "Too many pods" : null;
    }

    private static bool Tolerates(KubeObject pod, JsonNode taint)
    {
        string key = (string?)taint["key"] ?? "", value = (string?)taint["value"] ?? "", effect = (string?)taint["effect"] ?? "";
        foreach (JsonNode? t in pod.Spec?["tolerations"] as JsonArray ?? [])
        {
            string? tKey = (string?)t?["key"], tEffect = (string?)t?["effect"];
            bool exists = (string?)t?["operator"] == "Exists";
            bool keyMatches = tKey == null || tKey.Length == 0 ? exists : tKey == key;
            bool valueMatches = exists || ((string?)t?["value"] ?? "") == value;
            bool effectMatches = string.IsNullOrEmpty(tEffect) || tEffect == effect;
            if (keyMatches && valueMatches && effectMatches)
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsReady(KubeObject node) =>
        (node.Json["status"]?["conditions"] as JsonArray ?? [])
            .Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True");

    /// <summary>status.allocatable.pods, which a board reports from its compiled-in table sizes.</summary>
    public static int PodCapacity(KubeObject node)
    {
        int? pods = JsonNumbers.AsInt(node.Json["status"]?["allocatable"]?["pods"], allowQuoted: true);
        return pods is > 0 ? pods.Value : DefaultPodCapacity;
    }

    private static string? NodeNameOf(KubeObject pod) => (string?)pod.Spec?["nodeName"];

    private static bool Finished(KubeObject pod) => (string?)pod.Json["status"]?["phase"] is "Succeeded" or "Failed";
}
