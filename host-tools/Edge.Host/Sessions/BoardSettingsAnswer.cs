using Edge.Dataplane.Boards;

namespace Edge.Host.Sessions;

/// <summary>
/// A board's answer to "what are your settings": what it keeps in flash, the name and address
/// it runs with now (they differ until it restarts), and what is wrong with its storage, if anything.
/// </summary>
public sealed record BoardSettingsAnswer(BoardSettings Kept, string RunningName, uint RunningAddress, string? Problem);
