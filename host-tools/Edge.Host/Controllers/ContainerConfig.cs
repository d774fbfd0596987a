using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Controllers;

/// <summary>
/// The kubelet's step before it starts a pod's containers: making each container's configuration,
/// its environment first (<see cref="ContainerEnvironment"/>). A ConfigMap or Secret the pod names
/// that is not there (or lacks the key) stops the container with CreateContainerConfigError, as
/// the kubelet stops it: the pod stays Pending with that reason and message, a Warning event says
/// <c>Error: configmap "settings" not found</c>, and the board is not given the pod until the
/// configuration can be made (then it starts by itself, as the kubelet retries). A container that
/// already started keeps the environment it started with, whatever happens to its sources.
/// </summary>
public static class ContainerConfig
{
    public const string ErrorReason = "CreateContainerConfigError";

    /// <summary>Whether the pod waits for its containers' configuration (the board must not run it yet).</summary>
    public static bool Blocked(KubeObject pod) => (string?)pod.Json["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"] == ErrorReason;

    /// <summary>Whether the kubelet would still make the pod's container configuration: bound to a node, none of its containers ever started.</summary>
    public static bool NotStarted(KubeObject pod) =>
        pod.Spec?["nodeName"] != null
        && (string?)pod.Json["status"]?["phase"] is null or "Pending"
        && !(pod.Json["status"]?["containerStatuses"] as JsonArray ?? []).Any(c => c?["state"]?["running"] != null || c?["state"]?["terminated"] != null || c?["lastState"]?["terminated"] != null);

    /// <summary>Why the first container that cannot be configured cannot be (the kubelet's message), or null when all can.</summary>
    public static string? Problem(KubeObject pod, ContainerEnvironment.Sources sources)
    {
        foreach (JsonObject container in PodResources.Containers(pod.Spec))
        {
            if (ContainerEnvironment.For(pod, container, sources).Error is string error)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>
    /// Writes the pod's status for the outcome: CreateContainerConfigError with its message, or
    /// (once it can be made) back to waiting for the board; returns whether the status changed.
    /// </summary>
    public static bool Apply(KubeObject pod, string? problem)
    {
        JsonObject status = pod.Json["status"] as JsonObject ?? (JsonObject)(pod.Json["status"] = new JsonObject { ["phase"] = "Pending" });
        if (problem == null)
        {
            if (!Blocked(pod))
            {
                return false;
            }

            status.Remove("containerStatuses");
            return true;
        }

        var statuses = new JsonArray(PodResources.Containers(pod.Spec).Select(c => (JsonNode)new JsonObject
        {
            ["name"] = (string?)c["name"],
            ["image"] = (string?)c["image"],
            ["ready"] = false,
            ["restartCount"] = 0,
            ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = ErrorReason, ["message"] = problem } },
        }).ToArray());
        if (JsonNode.DeepEquals(status["containerStatuses"], statuses))
        {
            return false;
        }

        status["containerStatuses"] = statuses;
        return true;
    }
}
