using Edge.Host.Sessions;

namespace Edge.Host.Cluster;

/// <summary>
/// The control plane's side of one board: the link it dials, the session while one is open,
/// and the sync bookkeeping (the generation the board has applied, the content last pushed).
/// </summary>
public sealed class BoardConnection
{
    public BoardConnection(BoardLink link) => Link = link;

    public BoardLink Link { get; }

    /// <summary>The open session, or null while the board is unreachable.</summary>
    public BoardClient? Client { get; private set; }

    /// <summary>The node this board registered as (kept after a disconnect, for status).</summary>
    public string? NodeName { get; private set; }

    public BoardHello? Hello { get; private set; }

    /// <summary>The last generation the board acknowledged.</summary>
    public uint Generation { get; set; }

    /// <summary>The encoded state the board last acknowledged (generation left out), or null to force a full sync.</summary>
    public byte[]? SyncedContent { get; set; }

    /// <summary>The state the board last acknowledged, the base of the next delta; null until a snapshot is acknowledged.</summary>
    public Edge.Dataplane.Mgmt.DesiredState? SyncedState { get; set; }

    public long DeltasSent { get; set; }

    public bool Sending { get; set; }

    /// <summary>Syncs that failed since the connection was made (each retry counts).</summary>
    public long SyncFailures { get; set; }

    /// <summary>Why the last sync failed (null after a good one): a failing spell is logged and recorded once, not per retry.</summary>
    public string? SyncError { get; set; }

    /// <summary>Why the board is not connected, for `edgectl lab status` and logs; null when it is.</summary>
    public string? Problem { get; set; } = "connecting";

    public DateTimeOffset? ConnectedSince { get; private set; }

    public long SnapshotsSent { get; set; }

    public int LastSnapshotBytes { get; set; }

    public bool Connected => Client is { Connected: true };

    public void Attach(BoardClient client, BoardHello hello)
    {
        Client = client;
        Hello = hello;
        NodeName = hello.Name;
        Generation = hello.AppliedGeneration;
        SyncedContent = null; // a new session always starts with a full snapshot
        SyncedState = null;
        Problem = null;
        Untrusted = false;
        ConnectedSince = DateTimeOffset.UtcNow;
    }

    /// <summary>Whether the last attempt failed because the board will not take this control plane (its problem says who owns it, or that it has no key).</summary>
    public bool Untrusted { get; private set; }

    public void Detach(string problem, bool untrusted = false)
    {
        Client = null;
        Problem = problem;
        Untrusted = untrusted;
        ConnectedSince = null;
    }
}
