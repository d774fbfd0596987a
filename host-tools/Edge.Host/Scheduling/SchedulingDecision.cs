namespace Edge.Host.Scheduling;

/// <summary>
/// Where a pod goes, or why it cannot go anywhere in the words of a FailedScheduling event:
/// "0/3 nodes are available: 1 Too many pods, 2 node(s) were not ready."
/// </summary>
public sealed record SchedulingDecision(string? NodeName, string? FailureMessage)
{
    public bool Scheduled => NodeName != null;
}
