namespace Edge.Host.Sessions;

/// <summary>A board's periodic report: the generation it runs, its pods, and its drop counter.</summary>
public sealed record BoardHeartbeat(uint Generation, IReadOnlyList<PodReport> Pods, uint Drops, DateTimeOffset At);
