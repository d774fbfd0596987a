namespace Edge.Host.Sessions;

/// <summary>A pod's state as its board reports it in heartbeats.</summary>
public sealed record PodReport(string Namespace, string Name, string Uid, string Phase, string Reason, string Message);
