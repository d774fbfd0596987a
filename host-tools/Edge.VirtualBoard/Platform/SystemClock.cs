using System.Diagnostics;
using Edge.Dataplane.Platform;

namespace Edge.VirtualBoard.Platform;

/// <summary>Monotonic milliseconds since the board started.</summary>
public sealed class SystemClock : IClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public long Milliseconds => 1 + _watch.ElapsedMilliseconds;
}
