using System.Text.Json.Nodes;
using Edge.Dataplane.Wire;
using Edge.Host.Allocation;
using Edge.Host.Objects;
using Edge.Host.Sessions;

namespace Edge.Host.Cluster;

/// <summary>
/// A board's hello makes it a Node, as a kubelet registers itself: name and hostname label,
/// InternalIP, its capacity (pods, one cpu, the memory it offers pods, and the TLS sessions it
/// terminates: an extended resource, <see cref="NodeTls.Resource"/>), firmware as the kubelet version, where to reach it, and a pod
/// CIDR of its own on first registration (kept for good after that, so pod addresses stay).
/// </summary>
public static class NodeRegistration
{
    public const string VxlanPortAnnotation = "edge.dev/vxlan-port";

    /// <summary>The Node as the hello describes it: a new object, or the stored one with what changed; null when nothing did.</summary>
    public static KubeObject? Register(KubeObject? stored, BoardHello hello, BoardLink link, ClusterNetwork network)
    {
        KubeObject node = stored?.Clone() ?? new KubeObject(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = hello.Name },
            ["spec"] = new JsonObject(),
        });
        JsonObject metadata = node.Metadata;
        var labels = metadata["labels"] as JsonObject ?? (JsonObject)(metadata["labels"] = new JsonObject());
        labels["kubernetes.io/hostname"] = hello.Name;
        labels["kubernetes.io/os"] = "nanoframework";
        var annotations = metadata["annotations"] as JsonObject ?? (JsonObject)(metadata["annotations"] = new JsonObject());
        annotations[BoardLink.Annotation] = link.ToString();
        annotations[VxlanPortAnnotation] = hello.VxlanPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

        JsonObject spec = node.Spec ?? (JsonObject)(node.Json["spec"] = new JsonObject());
        if ((string?)spec["podCIDR"] == null)
        {
            string cidr = PreferredPodCidr(hello.Name, network) ?? network.AllocatePodCidr();
            spec["podCIDR"] = cidr;
            spec["podCIDRs"] = new JsonArray(cidr);
        }

        var status = node.Json["status"] as JsonObject ?? (JsonObject)(node.Json["status"] = new JsonObject());
        status["addresses"] = new JsonArray(
            new JsonObject { ["type"] = "InternalIP", ["address"] = Ipv4Address.Format(hello.Address) },
            new JsonObject { ["type"] = "Hostname", ["address"] = hello.Name });
        status["capacity"] = Resources(hello);
        status["allocatable"] = Resources(hello);
        status["nodeInfo"] = new JsonObject
        {
            ["kubeletVersion"] = "edge-" + hello.Firmware,
            ["operatingSystem"] = "nanoframework",
            ["architecture"] = link.Scheme == "tcp" ? "virtual" : "board",
        };

        return stored != null && JsonNode.DeepEquals(stored.Json, node.Json) ? null : node;
    }

    /// <summary>
    /// A board's cpu: the one loop that runs its dataplane and every container in turn (an ESP32's
    /// managed code runs on one of its two cores), so pods' cpu requests share one cpu.
    /// </summary>
    public const string BoardCpu = "1";

    // Quantities are strings, as Kubernetes writes them; the names sorted, as kube-apiserver stores a
    // ResourceList. Memory is what the board offers pods (firmware that predates saying it says nothing).
    private static JsonObject Resources(BoardHello hello)
    {
        var resources = new JsonObject
        {
            ["cpu"] = BoardCpu,
            [NodeTls.Resource] = hello.TlsSessions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (hello.PodMemory > 0)
        {
            resources["memory"] = Quantity.FormatBytes(hello.PodMemory);
        }

        if (hello.MaxContainers > 0)
        {
            resources[BoardRuntime.Containers] = hello.MaxContainers.ToString(System.Globalization.CultureInfo.InvariantCulture);
            resources[BoardRuntime.Probes] = hello.MaxProbes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        resources["pods"] = hello.MaxPods.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new JsonObject(resources.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => KeyValuePair.Create(r.Key, r.Value?.DeepClone())));
    }

    /// <summary>node-N gets 10.244.N.0/24 when it is free, so a workshop's addresses say which board a pod is on.</summary>
    private static string? PreferredPodCidr(string name, ClusterNetwork network)
    {
        int dash = name.LastIndexOf('-');
        if (dash < 0 || !int.TryParse(name.AsSpan(dash + 1), out int n) || n is < 1 or > 255 || network.PodPrefix > 16)
        {
            return null;
        }

        string cidr = Ipv4Address.FormatCidr(network.PodNetwork + ((uint)n << 8), 24);
        return network.MarkPodCidr(cidr) ? cidr : null;
    }
}
