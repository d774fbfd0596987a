using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Sessions;

namespace Edge.Host.Controllers;

/// <summary>
/// The kubelet's half of pod status: what a board says in its heartbeat about a pod becomes the
/// pod's status.phase, its Ready and ContainersReady conditions and a container state that
/// `kubectl describe`-style output can show (waiting with reason ErrImageNeverPull, say; a
/// container whose program exits is CrashLoopBackOff with the kubelet's message, its restartCount
/// and lastState as the board counts them).
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
        bool crashing = report.Reason == "CrashLoopBackOff";
        bool running = report.Phase == "Running" && !crashing;
        string phase = report.Phase is "Running" or "Failed" ? report.Phase : "Pending";

        status["phase"] = phase;
        SetCondition(status, "ContainersReady", running, at);
        SetCondition(status, "Ready", running, at);
        string container = (string?)pod.Spec?["containers"]?[0]?["name"] ?? "main";
        string image = (string?)pod.Spec?["containers"]?[0]?["image"] ?? "";
        JsonObject state = crashing
            ? new JsonObject { ["waiting"] = new JsonObject { ["reason"] = report.Reason, ["message"] = $"{report.Message} restarting failed container={container} pod={pod.Name}_{pod.Namespace}({(string?)pod.Metadata["uid"]})" } }
            : running
            ? new JsonObject { ["running"] = new JsonObject() }
            : phase == "Failed"
                ? new JsonObject { ["terminated"] = new JsonObject { ["reason"] = Or(report.Reason, "Error"), ["message"] = report.Message } }
                : new JsonObject { ["waiting"] = new JsonObject { ["reason"] = Or(report.Reason, "ContainerCreating"), ["message"] = report.Message } };
        JsonNode? previous = status["containerStatuses"]?[0]?["state"];
        JsonNode? previousWithoutStart = previous?.DeepClone();
        (previousWithoutStart?["running"] as JsonObject)?.Remove("startedAt");
        if (previous != null && JsonNode.DeepEquals(previousWithoutStart, state))
        {
            state = (JsonObject)previous.DeepClone(); // keep startedAt and the like as they were
        }
        else if (running)
        {
            state["running"]!["startedAt"] = KubeTime.Format(at);
        }

        var containerStatus = new JsonObject
        {
            ["name"] = container,
            ["image"] = image,
            ["ready"] = running,
            ["restartCount"] = report.Restarts,
            ["state"] = state,
        };
        if (report.LastExit is int exit)
        {
            // How the container last ended: what the kubelet keeps as lastState (kubectl's "Last State").
            containerStatus["lastState"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = exit, ["reason"] = exit == 0 ? "Completed" : "Error" } };
        }

        status["containerStatuses"] = new JsonArray(containerStatus);

        return !JsonNode.DeepEquals(before, status);
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
