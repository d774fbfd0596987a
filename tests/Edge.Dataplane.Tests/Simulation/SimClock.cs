using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>Virtual time: moves only when the simulation advances it.</summary>
public sealed class SimClock : IClock
{
    public long Milliseconds { get; set; } = 1_000;
}
