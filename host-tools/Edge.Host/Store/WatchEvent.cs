using Edge.Host.Objects;

namespace Edge.Host.Store;

/// <summary>What happened to an object, as a Kubernetes watch reports it.</summary>
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>
/// One entry of the store's event log: the change and the object as it was after it (for a
/// deletion, as it was last). Its resource version orders it against every other change.
/// </summary>
public sealed record WatchEvent(long ResourceVersion, WatchEventType Type, KubeObject Object)
{
    /// <summary>"ADDED", "MODIFIED" or "DELETED", the words a Kubernetes watch stream uses.</summary>
    public string TypeName => Type.ToString().ToUpperInvariant();
}
