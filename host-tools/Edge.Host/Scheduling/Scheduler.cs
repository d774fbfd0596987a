using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Scheduling;

/// <summary>
/// Picks a node for a pod as kube-scheduler does, in two phases. Filters drop nodes that
/// cannot take it (not Ready, cordoned, wrong labels, a taint it does not tolerate: the first
/// a node fails is its reason; then NodeResourcesFit: too many pods, or short of the cpu or memory
/// the pod requests, each shortage a reason). Scores rank the rest: spread a workload's replicas
/// across boards first, then the most cpu and memory left (LeastAllocated), then the fewest pods; ties go to the first name,
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
        var feasible = new List<(KubeObject Node, int Load, int Capacity, double Free)>();
        (long cpu, long memory) requests = PodResources.Requests(pod.Spec);
        foreach (KubeObject node in nodes)
        {
            var onNode = boundPods.Where(p => NodeNameOf(p) == node.Name && !Finished(p)).ToList();
            int capacity = PodCapacity(node);
            string? reason = Filter(pod, node);
            (long Cpu, long Memory) used = Requested(onNode);
            IReadOnlyList<string> unfit = reason == null ? [.. Fit(requests, node, used, onNode.Count, capacity), .. RuntimeFit(pod, node, onNode)] : [reason];
            if (unfit.Count == 0)
            {
                feasible.Add((node, onNode.Count, capacity, FreeAfter(requests, node, used)));
            }

            foreach (string why in unfit)
            {
                reasons[why] = reasons.GetValueOrDefault(why) + 1;
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
            .ThenByDescending(f => f.Free)
            .ThenBy(f => (double)f.Load / f.Capacity)
            .ThenBy(f => f.Node.Name, StringComparer.Ordinal)
            .First();
        return new SchedulingDecision(best.Node.Name, null);
    }

    private static string? Filter(KubeObject pod, KubeObject node)
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

        return null;
    }

    /// <summary>
    /// kube-scheduler's NodeResourcesFit: every resource the node is short of for this pod, counted
    /// from the requests of the pods already bound there (not what they use). A resource the pod
    /// does not request, or the node does not report, is not checked.
    /// </summary>
    private static IReadOnlyList<string> Fit((long Cpu, long Memory) requests, KubeObject node, (long Cpu, long Memory) used, int pods, int capacity)
    {
        var unfit = new List<string>();
        if (pods + 1 > capacity)
        {
            unfit.Add("Too many pods");
        }

        (long cpuUsed, long memoryUsed) = used;
        if (requests.Cpu > 0 && Allocatable(node, PodResources.Cpu) is Quantity cpu && requests.Cpu > Math.Max(0, cpu.MilliValue - cpuUsed))
        {
            unfit.Add("Insufficient cpu");
        }

        if (requests.Memory > 0 && Allocatable(node, PodResources.Memory) is Quantity memory && requests.Memory > Math.Max(0, memory.WholeValue - memoryUsed))
        {
            unfit.Add("Insufficient memory");
        }

        return unfit;
    }

    /// <summary>
    /// The board's runtime as extended resources (<see cref="BoardRuntime"/>): the pod's containers
    /// and probes against what the node has left of each, counted from the pods bound there.
    /// </summary>
    private static IEnumerable<string> RuntimeFit(KubeObject pod, KubeObject node, IReadOnlyList<KubeObject> onNode)
    {
        (int containers, int probes) = BoardRuntime.Count(pod.Spec);
        int usedContainers = 0, usedProbes = 0;
        foreach (KubeObject bound in onNode)
        {
            (int c, int p) = BoardRuntime.Count(bound.Spec);
            usedContainers += c;
            usedProbes += p;
        }

        if (Allocatable(node, BoardRuntime.Containers) is Quantity most && containers > most.WholeValue - usedContainers)
        {
            yield return "Insufficient " + BoardRuntime.Containers;
        }

        if (probes > 0 && Allocatable(node, BoardRuntime.Probes) is Quantity mostProbes && probes > mostProbes.WholeValue - usedProbes)
        {
            yield return "Insufficient " + BoardRuntime.Probes;
        }
    }

    /// <summary>kube-scheduler's LeastAllocated score: the share of the node's cpu and memory left once the pod is on it (1 where it reports neither).</summary>
    private static double FreeAfter((long Cpu, long Memory) requests, KubeObject node, (long Cpu, long Memory) used)
    {
        (long cpuUsed, long memoryUsed) = used;
        var shares = new List<double>();
        if (Allocatable(node, PodResources.Cpu) is { MilliValue: > 0 } cpu)
        {
            shares.Add((double)(cpu.MilliValue - cpuUsed - requests.Cpu) / cpu.MilliValue);
        }

        if (Allocatable(node, PodResources.Memory) is { WholeValue: > 0 } memory)
        {
            shares.Add((double)(memory.WholeValue - memoryUsed - requests.Memory) / memory.WholeValue);
        }

        return shares.Count == 0 ? 1 : shares.Average();
    }

    /// <summary>What the pods bound to a node request between them: millicores and bytes.</summary>
    public static (long MilliCpu, long MemoryBytes) Requested(IEnumerable<KubeObject> pods)
    {
        long cpu = 0, memory = 0;
        foreach (KubeObject pod in pods)
        {
            (long c, long m) = PodResources.Requests(pod.Spec);
            cpu = Quantity.Add(cpu, c);
            memory = Quantity.Add(memory, m);
        }

        return (cpu, memory);
    }

    /// <summary>A resource the node offers pods (status.allocatable), or null when it reports none.</summary>
    public static Quantity? Allocatable(KubeObject node, string resource) => PodResources.Read(node.Json["status"]?["allocatable"]?[resource]);

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
