namespace Edge.VirtualBoard.Platform;

/// <summary>
/// The virtual board's TLS sessions, as many at once as its memory class gives a board
/// (<c>MemoryClass.TlsSessions</c>): a listener reserves one before it takes a client from the
/// kernel's backlog (so the rest wait there), and the client holds it from then through its
/// handshake until its connection is closed. Also counts what went wrong before a connection
/// reached the board loop.
/// </summary>
internal sealed class TlsSessionGate(int sessions)
{
    private readonly SemaphoreSlim _free = new(sessions, sessions);
    private int _held;
    private long _failed;
    private long _notTls;

    /// <summary>Sessions clients hold (not those a listener reserved while it waits for a client).</summary>
    public int InUse => Volatile.Read(ref _held);

    /// <summary>Handshakes that failed or timed out (the client's socket closed, its session freed).</summary>
    public long HandshakesFailed => Interlocked.Read(ref _failed);

    /// <summary>Of those, clients whose first bytes were no TLS ClientHello (plain HTTP on the TLS port).</summary>
    public long NotTls => Interlocked.Read(ref _notTls);

    /// <summary>Waits for a free session and reserves it for the next client.</summary>
    public Task ReserveAsync(CancellationToken cancel) => _free.WaitAsync(cancel);

    /// <summary>The reserved session goes to the client just accepted.</summary>
    public void Hold() => Interlocked.Increment(ref _held);

    /// <summary>No client came for the reserved session.</summary>
    public void Unreserve() => _free.Release();

    /// <summary>A client's connection or handshake ended: its session is free.</summary>
    public void Give()
    {
        Interlocked.Decrement(ref _held);
        _free.Release();
    }

    public void CountFailure(bool notTls)
    {
        Interlocked.Increment(ref _failed);
        if (notTls)
        {
            Interlocked.Increment(ref _notTls);
        }
    }
}
