using System.Text.Json.Serialization;

namespace Edge.VirtualBoard.Config;

/// <summary>
/// A virtual board's static configuration (JSON), until the control plane provisions boards:
/// who it is, where it listens, its pod CIDR, its peers, and static pods (as a kubelet's
/// static pod manifests).
/// </summary>
public sealed class BoardConfig
{
    /// <summary>Node name, e.g. "node-1".</summary>
    public string? Name { get; set; }

    /// <summary>The board's own address: 127.0.10.N in the loopback lab.</summary>
    public string? Address { get; set; }

    public int VxlanPort { get; set; } = 4789;
    public int Vni { get; set; } = 1;

    /// <summary>This node's pod CIDR, e.g. "10.244.1.0/24".</summary>
    public string? PodCidr { get; set; }

    /// <summary>Whether pods may reach addresses outside the cluster through this board (SNAT to its address).</summary>
    public bool AllowEgress { get; set; }

    public List<PeerConfig> Peers { get; set; } = [];
    public List<PodConfig> Pods { get; set; } = [];

    /// <summary>Overrides of the node's fixed capacities (maxPods, tcpReceiveBuffer, ...); defaults fit a WROOM board.</summary>
    public Dictionary<string, int> Capacity { get; set; } = [];
}

/// <summary>Another node (or a Linux host) on the overlay.</summary>
public sealed class PeerConfig
{
    public string? Name { get; set; }
    public string? Address { get; set; }
    public int Port { get; set; } = 4789;
    public string? PodCidr { get; set; }
}

/// <summary>A static pod: a sandbox with one container of a built-in image.</summary>
public sealed class PodConfig
{
    public string? Name { get; set; }

    [JsonPropertyName("namespace")]
    public string Namespace { get; set; } = "default";

    public string? Image { get; set; }

    /// <summary>Optional fixed address inside the pod CIDR; otherwise the next free one from .2.</summary>
    public string? Ip { get; set; }
}
