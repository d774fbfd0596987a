namespace Edge.Host.Sessions;

/// <summary>A pod's state as its board reports it in heartbeats.</summary>
public sealed record PodReport(string Namespace, string Name, string Uid, string Phase, string Reason, string Message)
{
    /// <summary>Its containers as the board runs them, in the spec's order (empty from firmware that does not say).</summary>
    public IReadOnlyList<ContainerReport> Containers { get; init; } = [];

    /// <summary>The container named <paramref name="name"/>, or null.</summary>
    public ContainerReport? Container(string name) => Containers.FirstOrDefault(c => c.Name == name);
}

/// <summary>One container of a pod as its board reports it.</summary>
public sealed record ContainerReport(string Name)
{
    /// <summary>Its program runs.</summary>
    public bool Running { get; init; }

    /// <summary>Its startup probe passed, or it has none (while it runs).</summary>
    public bool Started { get; init; }

    /// <summary>It runs, started, and its readiness probe passes (or it has none).</summary>
    public bool Ready { get; init; }

    /// <summary>It was last ended for using more than its memory limit.</summary>
    public bool OomKilled { get; init; }

    /// <summary>How many times it was started again.</summary>
    public int Restarts { get; init; }

    /// <summary>The code it last exited with; null when it never exited.</summary>
    public int? LastExit { get; init; }

    /// <summary>Why it does not run (CrashLoopBackOff, ErrImageNeverPull), "" while it runs.</summary>
    public string Reason { get; init; } = "";

    public string Message { get; init; } = "";

    /// <summary>The last probe failure, as the kubelet's Unhealthy event says it; "" when its probes pass.</summary>
    public string ProbeFailure { get; init; } = "";
}
