using System.Text.Json.Nodes;
using Edge.Dataplane.Wire;
using Edge.Host.Compile;
using Edge.Host.Objects;
using Edge.Host.Scheduling;

namespace Edge.Host.Controllers;

/// <summary>
/// status.loadBalancer.ingress of the Ingresses Edge serves (<see cref="IngressClasses.ServedByEdge"/>):
/// one <c>{ip}</c> per Ready node, its InternalIP, because every board answers for every Ingress
/// on its own address (as with LoadBalancer services, ServiceLB-style); sorted as ingress-nginx
/// sorts them (by the address's text), so a pass that finds the same nodes writes nothing.
/// An Ingress of another controller is left alone, except that the addresses Edge gave it are
/// taken back when Edge stops serving it (its class deleted, or another named): else `get
/// ingress` would go on showing boards that no longer answer for it.
/// </summary>
public static class IngressStatusController
{
    /// <summary>The status the Ingress should have, or null when it is not Edge's to write.</summary>
    public static JsonObject? Status(KubeObject ingress, IReadOnlyList<KubeObject> ingressClasses, IReadOnlyList<KubeObject> nodes)
    {
        if (IngressClasses.ServedByEdge(ingress, ingressClasses))
        {
            return StatusOf(ReadyAddresses(nodes));
        }

        // Only Edge writes board addresses there: an Ingress whose every address is a node's had them from Edge.
        var written = (ingress.Json["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).ToList();
        var boards = nodes.Select(NodeAddress).OfType<string>().ToHashSet();
        bool edges = written.Count > 0 && written.All(i => i is JsonObject { Count: 1 } only && (string?)only["ip"] is string ip && boards.Contains(ip));
        return edges ? StatusOf([]) : null;
    }

    /// <summary>Every Ready node's InternalIP, each once, in text order.</summary>
    public static List<string> ReadyAddresses(IEnumerable<KubeObject> nodes) =>
        nodes.Where(Scheduler.IsReady).Select(NodeAddress).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();

    // A status as Kubernetes writes an Ingress's: loadBalancer: {} when there is no address.
    private static JsonObject StatusOf(List<string> addresses) => new()
    {
        ["loadBalancer"] = addresses.Count == 0
            ? new JsonObject()
            : new JsonObject { ["ingress"] = new JsonArray(addresses.Select(a => (JsonNode)new JsonObject { ["ip"] = a }).ToArray()) },
    };

    private static string? NodeAddress(KubeObject node) =>
        BoardStateCompiler.BoardAddress(node) is uint address and not 0 ? Ipv4Address.Format(address) : null;
}
