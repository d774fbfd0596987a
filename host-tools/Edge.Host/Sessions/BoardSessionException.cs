namespace Edge.Host.Sessions;

/// <summary>
/// The board went away, refused a snapshot, or did not answer in time; <see cref="Untrusted"/>
/// when it will not take this control plane at all (another cluster's board, a board with no
/// key, something that cannot prove it is the board): waiting does not fix that, a person does.
/// </summary>
public sealed class BoardSessionException(string message, bool untrusted = false) : Exception(message)
{
    public bool Untrusted { get; } = untrusted;
}
