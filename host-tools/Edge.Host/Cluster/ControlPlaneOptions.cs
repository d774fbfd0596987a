using Edge.Host.Controllers;

namespace Edge.Host.Cluster;

/// <summary>How the control plane paces itself; the defaults suit a workshop (failures show within seconds).</summary>
public sealed record ControlPlaneOptions
{
    public NodeLifecycleSettings Lifecycle { get; init; } = NodeLifecycleSettings.Workshop;

    /// <summary>How often the controllers run with nothing to wake them (node lifecycle needs the clock to move).</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a board has to say hello, acknowledge a snapshot or answer a view.</summary>
    public TimeSpan BoardTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The cluster's key, which its boards on the network ask for (Trust.ClusterKeyFile keeps it); null: only USB boards can be run.</summary>
    public Edge.Host.Trust.ClusterKey? ClusterKey { get; init; }

    /// <summary>Keeps a rotated key (ClusterKeyFile.Save) before boards are given it; null: kept in memory only (tests).</summary>
    public Action<Edge.Host.Trust.ClusterKey>? SaveKey { get; init; }

    /// <summary>
    /// Where the API is served, its advertised address and port (<see cref="KubernetesService.Advertised"/>):
    /// the endpoints of the <c>kubernetes</c> Service (<see cref="KubernetesService"/>). Null: no API is
    /// served (a control plane in a test), so there is no kubernetes Service.
    /// </summary>
    public System.Net.IPEndPoint? ApiEndpoint { get; init; }

    /// <summary>Pause between attempts to reach an unreachable board.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);
}
