namespace Edge.VirtualBoard;

/// <summary>A problem a user can fix (bad config, taken port); printed as "error: ..." without a stack trace.</summary>
public sealed class BoardException(string message) : Exception(message);
