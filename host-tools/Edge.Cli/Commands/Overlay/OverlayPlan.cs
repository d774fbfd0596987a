using Edge.Host.Printing;
using Edge.Cli.Output;
using Edge.Dataplane.Wire;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Overlay;

/// <summary>
/// The `ip` commands that put a Linux host (or a network namespace) on the pod network, as
/// flannel's vxlan backend would: a vxlan device whose MAC and address derive from the host's
/// overlay range, and for every Ready node a route to its pod CIDR through its VTEP (.0,
/// "onlink"), a permanent neighbour entry for that VTEP's MAC, and an FDB entry sending that MAC
/// to the node's board. The service CIDR (and so the DNS VIP) goes through one Ready node,
/// which masquerades what the host sends, as kube-proxy does for off-cluster clients.
/// </summary>
public static class OverlayPlan
{
    public const int Vni = 1;

    public static List<string> Join(string device, string? netns, string hostAddress, string overlayCidr, int vxlanPort,
        IReadOnlyList<KubeObject> nodes, string serviceCidr)
    {
        if (!Ipv4Address.TryParseCidr(overlayCidr, out uint overlay, out _))
        {
            throw new CliException($"the overlay range {overlayCidr} is not a CIDR");
        }

        string ip = netns == null ? "ip" : $"ip -n {netns}";
        string bridge = netns == null ? "bridge" : $"bridge -n {netns}";
        string exec = netns == null ? "" : $"ip netns exec {netns} ";
        var commands = new List<string>
        {
            $"{ip} link add {device} type vxlan id {Vni} dstport {vxlanPort} local {hostAddress} nolearning",
            $"{ip} link set {device} address {VtepMac(overlay)}",
            $"{ip} addr add {Ipv4Address.Format(overlay)}/32 dev {device}",
            $"{ip} link set {device} up",
            // No hardware finishes inner checksums on a vxlan over veth or loopback: send them complete.
            $"{exec}ethtool -K {device} tx off",
        };

        KubeObject? gateway = null;
        foreach (KubeObject node in nodes.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (!Ipv4Address.TryParseCidr((string?)node.Spec?["podCIDR"] ?? "", out uint podNetwork, out int prefix)
                || ResourceColumns.Address(node, "InternalIP") is not { Length: > 0 } boardAddress || boardAddress == "<none>"
                || !ResourceColumns.NodeStatus(node).StartsWith("Ready", StringComparison.Ordinal))
            {
                continue;
            }

            gateway ??= node;
            string vtep = Ipv4Address.Format(podNetwork);
            int port = JsonNumbers.AsInt(node.Metadata["annotations"]?["edge.dev/vxlan-port"], allowQuoted: true) ?? 4789;
            commands.Add($"{ip} route add {Ipv4Address.FormatCidr(podNetwork, prefix)} via {vtep} dev {device} onlink");
            commands.Add($"{ip} neigh add {vtep} lladdr {VtepMac(podNetwork)} dev {device} nud permanent");
            commands.Add($"{bridge} fdb append {VtepMac(podNetwork)} dev {device} dst {boardAddress}{(port != vxlanPort ? $" port {port}" : "")}");
        }

        if (gateway == null)
        {
            throw new CliException("no Ready node to join through: `edgectl get nodes` (is the lab up?)");
        }

        Ipv4Address.TryParseCidr((string)gateway.Spec!["podCIDR"]!, out uint gatewayNetwork, out _);
        commands.Add($"{ip} route add {serviceCidr} via {Ipv4Address.Format(gatewayNetwork)} dev {device} onlink");
        return commands;
    }

    public static List<string> Leave(string device, string? netns) => [$"{(netns == null ? "ip" : $"ip -n {netns}")} link del {device}"];

    /// <summary>Edge's VTEP MAC for an overlay range: 02:ed: and the range's network address.</summary>
    public static string VtepMac(uint network) =>
        $"02:ed:{network >> 24:x2}:{(network >> 16) & 0xFF:x2}:{(network >> 8) & 0xFF:x2}:{network & 0xFF:x2}";
}
