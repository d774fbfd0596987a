namespace Edge.Host.Sessions;

/// <summary>A pod's state as its board reports it in heartbeats.</summary>
public sealed record PodReport(string Namespace, string Name, string Uid, string Phase, string Reason, string Message)
{
    /// <summary>How many times its container was started again (0 from firmware that does not say).</summary>
    public int Restarts { get; init; }

    /// <summary>The code its container last exited with; null when it never exited (or the firmware does not say).</summary>
    public int? LastExit { get; init; }
}
