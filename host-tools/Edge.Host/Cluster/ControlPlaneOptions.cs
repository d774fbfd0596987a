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

    /// <summary>Pause between attempts to reach an unreachable board.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);
}
