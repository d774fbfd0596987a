using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Controllers;

/// <summary>
/// Timings of the node lifecycle controller. Kubernetes waits 40 s before a silent node is
/// NotReady and 5 min before its pods move; a workshop cannot wait that long to see a pulled
/// cable matter, so the defaults are seconds. Both are settings of `lab up`.
/// </summary>
public sealed record NodeLifecycleSettings(TimeSpan NotReadyAfter, TimeSpan EvictAfter)
{
    public static NodeLifecycleSettings Workshop { get; } = new(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(15));
}

/// <summary>What the node lifecycle controller decides about one node at one moment.</summary>
public sealed record NodeVerdict(bool Ready, bool ConditionChanged, bool EvictPods, string Reason, string Message);

/// <summary>
/// The node lifecycle rule: a board that has sent no heartbeat for NotReadyAfter becomes
/// Ready=Unknown ("Kubelet stopped posting node status", in Kubernetes' words); once it has
/// been that way for EvictAfter, its pods are deleted so their controllers replace them on
/// other boards. A heartbeat makes it Ready again at once.
/// </summary>
public static class NodeLifecycle
{
    public static NodeVerdict Evaluate(KubeObject node, DateTime lastHeartbeat, DateTime now, NodeLifecycleSettings settings)
    {
        JsonObject? ready = ReadyCondition(node);
        bool wasReady = (string?)ready?["status"] == "True";
        DateTime since = KubeTime.Parse((string?)ready?["lastTransitionTime"]) ?? lastHeartbeat;
        TimeSpan silent = now - lastHeartbeat;

        if (silent < settings.NotReadyAfter)
        {
            return new NodeVerdict(true, !wasReady, false, "KubeletReady", "board is posting ready status");
        }

        string message = $"board stopped posting node status {Math.Round(silent.TotalSeconds)}s ago (cable, power or firmware?)";
        DateTime notReadySince = wasReady ? now : since;
        bool evict = now - notReadySince >= settings.EvictAfter;
        return new NodeVerdict(false, wasReady, evict, "NodeStatusUnknown", message);
    }

    /// <summary>Writes the verdict into status.conditions, keeping lastTransitionTime unless the status flips.</summary>
    public static void Apply(KubeObject node, NodeVerdict verdict, DateTime lastHeartbeat, DateTime now)
    {
        var status = node.Json["status"] as JsonObject ?? (JsonObject)(node.Json["status"] = new JsonObject());
        var conditions = status["conditions"] as JsonArray ?? (JsonArray)(status["conditions"] = new JsonArray());
        JsonObject? ready = ReadyCondition(node);
        if (ready == null)
        {
            ready = new JsonObject { ["type"] = "Ready" };
            conditions.Add(ready);
        }

        string newStatus = verdict.Ready ? "True" : "Unknown";
        if ((string?)ready["status"] != newStatus || ready["lastTransitionTime"] == null)
        {
            ready["lastTransitionTime"] = KubeTime.Format(now);
        }

        ready["status"] = newStatus;
        ready["reason"] = verdict.Reason;
        ready["message"] = verdict.Message;
        ready["lastHeartbeatTime"] = KubeTime.Format(lastHeartbeat);
    }

    /// <summary>Sets a pod of a silent node to Ready=False (reason NodeNotReady); false when it already was.</summary>
    public static bool MarkPodNotReady(KubeObject pod, DateTime now)
    {
        if (pod.Json["status"] is not JsonObject status || status["conditions"] is not JsonArray conditions)
        {
            return false;
        }

        bool changed = false;
        foreach (JsonObject condition in conditions.OfType<JsonObject>().Where(c => (string?)c["type"] is "Ready" or "ContainersReady"))
        {
            if ((string?)condition["status"] == "True")
            {
                condition["status"] = "False";
                condition["reason"] = "NodeNotReady";
                condition["lastTransitionTime"] = KubeTime.Format(now);
                changed = true;
            }
        }

        return changed;
    }

    private static JsonObject? ReadyCondition(KubeObject node) =>
        (node.Json["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == "Ready");
}
