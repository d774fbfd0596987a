namespace Edge.Host.Sessions;

/// <summary>The board went away, refused a snapshot, or did not answer in time.</summary>
public sealed class BoardSessionException(string message) : Exception(message);
