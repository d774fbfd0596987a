using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Store;

/// <summary>
/// Fields the cluster fills in that a manifest usually leaves out: a Service's clusterIP and
/// node ports, a Pod's node, a Node's pod CIDR, the IngressClass admission gave an Ingress, the
/// revision the deployment controller wrote on a Deployment. Re-applying the manifest must keep them, as
/// Kubernetes' apply does (they are not the manifest's to drop), or every `apply` of an
/// unchanged file would renumber services and reschedule pods.
/// </summary>
public static class ServerFields
{
    /// <summary>Annotations the control plane writes on objects of a kind.</summary>
    private static readonly Dictionary<string, string[]> ServerAnnotations = new(StringComparer.Ordinal)
    {
        ["Deployment"] = ["deployment.kubernetes.io/revision"],
    };

    public static void CarryOver(KubeObject current, KubeObject merged)
    {
        foreach (string key in ServerAnnotations.GetValueOrDefault(current.Kind) ?? [])
        {
            if (current.Metadata["annotations"]?[key] is JsonNode value
                && (merged.Metadata["annotations"] as JsonObject)?.ContainsKey(key) != true)
            {
                if (merged.Metadata["annotations"] is not JsonObject annotations)
                {
                    merged.Metadata["annotations"] = annotations = [];
                }

                annotations[key] = value.DeepClone();
            }
        }

        JsonObject? from = current.Spec;
        if (from == null || merged.Spec is not JsonObject to)
        {
            return;
        }

        switch (current.Kind)
        {
            case "Service":
                Keep(from, to, "clusterIP");
                Keep(from, to, "clusterIPs");
                if (from["ports"] is JsonArray oldPorts && to["ports"] is JsonArray newPorts)
                {
                    foreach (JsonObject port in newPorts.OfType<JsonObject>().Where(p => p["nodePort"] == null))
                    {
                        JsonNode? same = oldPorts.OfType<JsonObject>().FirstOrDefault(p =>
                            JsonNumbers.AsInt(p["port"]) == JsonNumbers.AsInt(port["port"]) &&
                            ((string?)p["protocol"] ?? "TCP") == ((string?)port["protocol"] ?? "TCP"));
                        if (same?["nodePort"] is JsonNode nodePort && (string?)to["type"] is "NodePort" or "LoadBalancer")
                        {
                            port["nodePort"] = nodePort.DeepClone();
                        }
                    }
                }

                break;
            case "Pod":
                Keep(from, to, "nodeName");
                break;
            case "Ingress":
                Keep(from, to, "ingressClassName");
                break;
            case "OverlayPeer":
                Keep(from, to, "podCIDR");
                break;
            case "Node":
                Keep(from, to, "podCIDR");
                Keep(from, to, "podCIDRs");
                break;
        }
    }

    private static void Keep(JsonObject from, JsonObject to, string field)
    {
        if (to[field] == null && from[field] is JsonNode value)
        {
            to[field] = value.DeepClone();
        }
    }
}
