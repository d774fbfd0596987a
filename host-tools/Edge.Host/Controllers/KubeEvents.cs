using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Controllers;

/// <summary>A core/v1 Event about an object, as `describe` lists them last.</summary>
public static class KubeEvents
{
    public static KubeObject Create(KubeObject about, string type, string reason, string message, string component, DateTime now, Random random) =>
        new(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = $"{about.Name}.{PodTemplateHash.Suffix(random)}", ["namespace"] = about.Namespace.Length > 0 ? about.Namespace : "default" },
            ["involvedObject"] = new JsonObject { ["kind"] = about.Kind, ["namespace"] = about.Namespace, ["name"] = about.Name },
            ["type"] = type,
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject { ["component"] = component },
            ["lastTimestamp"] = KubeTime.Format(now),
        });
}
