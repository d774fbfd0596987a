namespace Edge.Dataplane.Tests.Simulation;

/// <summary>What the simulated wire does to datagrams between boards.</summary>
public sealed class Faults
{
    public double Loss { get; init; }
    public double Duplication { get; init; }

    /// <summary>Every datagram takes at least this long.</summary>
    public int DelayMs { get; init; } = 1;

    /// <summary>Extra random delay in [0, JitterMs]; datagrams overtake each other, which reorders them.</summary>
    public int JitterMs { get; init; }

    public static Faults None => new();

    public override string ToString() => $"loss {Loss:P0}, dup {Duplication:P0}, delay {DelayMs}+{JitterMs} ms";
}
