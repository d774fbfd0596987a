using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Store;

/// <summary>
/// Fields the cluster fills in that a manifest usually leaves out: a Service's clusterIP and
/// node ports, a Pod's node, a Node's pod CIDR. Re-applying the manifest must keep them, as
/// Kubernetes' apply does (they are not the manifest's to drop), or every `apply` of an
/// unchanged file would renumber services and reschedule pods.
/// </summary>
public static class ServerFields
{
    public static void CarryOver(KubeObject current, KubeObject merged)
    {
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
