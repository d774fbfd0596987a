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
            ["involvedObject"] = InvolvedObject(about),
            ["type"] = type,
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject { ["component"] = component },
            ["count"] = 1,
            ["firstTimestamp"] = KubeTime.Format(now), // what kubectl describe's Age reads (x3 over 20s once counted)
            ["lastTimestamp"] = KubeTime.Format(now),
        });

    /// <summary>The object reference kubectl describe finds its events by (a field selector on kind, namespace, name and uid).</summary>
    private static JsonObject InvolvedObject(KubeObject about)
    {
        var reference = new JsonObject { ["kind"] = about.Kind, ["namespace"] = about.Namespace, ["name"] = about.Name };
        if ((string?)about.Metadata["uid"] is { Length: > 0 } uid)
        {
            reference["uid"] = uid;
        }

        if ((string?)about.Json["apiVersion"] is { Length: > 0 } apiVersion)
        {
            reference["apiVersion"] = apiVersion;
        }

        return reference;
    }
}
