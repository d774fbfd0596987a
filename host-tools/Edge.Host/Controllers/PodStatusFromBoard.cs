using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Sessions;

namespace Edge.Host.Controllers;

/// <summary>
/// The kubelet's half of pod status: what a board says in its heartbeat about a pod becomes the
/// pod's status.phase, its Ready and ContainersReady conditions (every container ready, as its
/// readiness probe says) and one containerStatus per container, as `kubectl describe` shows
/// them: running since, waiting with reason ErrImageNeverPull or CrashLoopBackOff with the
/// kubelet's message, its restartCount and lastState (OOMKilled, Error, Completed), ready and
/// started.
/// Reports for another incarnation of the pod (a different uid) are ignored: a board that
/// still runs the pod a control plane deleted and re-created must not mark the new one Running.
/// </summary>
public static class PodStatusFromBoard
{
    /// <summary>Writes the report into the pod; returns whether anything changed (so unchanged heartbeats cost no store write).</summary>
    public static bool Apply(KubeObject pod, PodReport report, DateTime at)
    {
        if (!Compile.PodIncarnation.Same((string?)pod.Metadata["uid"], report.Uid))
        {
            return false;
        }

        JsonObject status = pod.Json["status"] as JsonObject ?? (JsonObject)(pod.Json["status"] = new JsonObject());
        JsonObject before = (JsonObject)status.DeepClone();
        string phase = report.Phase is "Running" or "Failed" ? report.Phase : "Pending";
        List<JsonObject> specs = (pod.Spec?["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var previous = (status["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>().ToDictionary(c => (string?)c["name"] ?? "");
        var statuses = new JsonArray();
        bool allReady = specs.Count > 0;
        for (int i = 0; i < specs.Count; i++)
        {
            string name = (string?)specs[i]["name"] ?? "main";
            ContainerReport container = ContainerFrom(report, name, i, specs.Count);
            allReady &= container.Ready;
            statuses.Add(Status(pod, specs[i], name, container, phase, previous.GetValueOrDefault(name), at));
        }

        status["phase"] = phase;
        SetCondition(status, "ContainersReady", allReady, at);
        SetCondition(status, "Ready", allReady, at);
        status["containerStatuses"] = statuses;
        return !JsonNode.DeepEquals(before, status);
    }

    // The board's word on a container; from firmware that reports pods only, the pod's own.
    private static ContainerReport ContainerFrom(PodReport report, string name, int index, int count)
    {
        if (report.Container(name) is ContainerReport reported)
        {
            // A heartbeat short of room says the pod's reason only: it is its troubled container's.
            return reported.Reason.Length == 0 && !reported.Running && report.Reason.Length > 0
                ? reported with { Reason = report.Reason, Message = report.Message }
                : reported;
        }

        bool running = report.Phase == "Running" && report.Reason != "CrashLoopBackOff";
        return report.Containers.Count == 0 && count == 1
            ? new ContainerReport(name) { Running = running, Started = running, Ready = running, Reason = report.Reason, Message = report.Message }
            : new ContainerReport(name) { Reason = report.Phase == "Running" ? "ContainerCreating" : report.Reason }; // the board does not have it yet
    }

    private static JsonObject Status(KubeObject pod, JsonObject spec, string name, ContainerReport container, string phase, JsonObject? previous, DateTime at)
    {
        bool crashing = container.Reason == "CrashLoopBackOff";
        JsonObject state = crashing
            ? new JsonObject { ["waiting"] = new JsonObject { ["reason"] = container.Reason, ["message"] = $"{container.Message} restarting failed container={name} pod={pod.Name}_{pod.Namespace}({(string?)pod.Metadata["uid"]})" } }
            : container.Running
            ? new JsonObject { ["running"] = new JsonObject() }
            : container.Reason is "Error" or "Completed" or "OOMKilled" && container.LastExit is int code
            ? new JsonObject { ["terminated"] = new JsonObject { ["reason"] = container.Reason, ["exitCode"] = code } } // exited, about to start again
            : phase == "Failed"
                ? new JsonObject { ["terminated"] = new JsonObject { ["reason"] = Or(container.Reason, "Error"), ["message"] = container.Message } }
                : new JsonObject { ["waiting"] = new JsonObject { ["reason"] = Or(container.Reason, "ContainerCreating"), ["message"] = container.Message } };
        JsonNode? was = previous?["state"];
        JsonNode? wasWithoutStart = was?.DeepClone();
        (wasWithoutStart?["running"] as JsonObject)?.Remove("startedAt");
        int? restartsBefore = (int?)previous?["restartCount"];
        if (was != null && JsonNode.DeepEquals(wasWithoutStart, state) && (restartsBefore ?? 0) == container.Restarts)
        {
            state = (JsonObject)was.DeepClone(); // keep startedAt and the like as they were
        }
        else if (container.Running)
        {
            state["running"]!["startedAt"] = KubeTime.Format(at);
        }

        var status = new JsonObject
        {
            ["name"] = name,
            ["image"] = (string?)spec["image"] ?? "",
            ["ready"] = container.Ready,
            ["started"] = container.Started,
            ["restartCount"] = container.Restarts,
            ["state"] = state,
        };
        if (container.LastExit is int exit)
        {
            // How the container last ended: what the kubelet keeps as lastState (kubectl's "Last State").
            string reason = container.OomKilled ? "OOMKilled" : exit == 0 ? "Completed" : "Error";
            status["lastState"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = exit, ["reason"] = reason } };
        }

        return status;
    }

    private static void SetCondition(JsonObject status, string type, bool value, DateTime at)
    {
        var conditions = status["conditions"] as JsonArray ?? (JsonArray)(status["conditions"] = new JsonArray());
        string text = value ? "True" : "False";
        JsonObject? existing = conditions.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
        if (existing == null)
        {
            conditions.Add(new JsonObject { ["type"] = type, ["status"] = text, ["lastTransitionTime"] = KubeTime.Format(at) });
        }
        else if ((string?)existing["status"] != text)
        {
            existing["status"] = text;
            existing["lastTransitionTime"] = KubeTime.Format(at);
            existing.Remove("reason"); // e.g. NodeNotReady: the board's own word replaces it
        }
    }

    private static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;
}
