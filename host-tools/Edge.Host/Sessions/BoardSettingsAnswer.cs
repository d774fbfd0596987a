using Edge.Dataplane.Boards;

namespace Edge.Host.Sessions;

/// <summary>
/// A board's answer to "what are your settings": what it keeps in flash, the name and address
/// it runs with now (they differ until it restarts), and what is wrong with its storage, if anything.
/// </summary>
public sealed record BoardSettingsAnswer(BoardSettings Kept, string RunningName, uint RunningAddress, string? Problem)
{
    /// <summary>The id of the cluster key the board keeps (0: none; a newly kept key takes effect at its restart); the key itself never leaves it.</summary>
    public uint KeyId { get; init; }
}
