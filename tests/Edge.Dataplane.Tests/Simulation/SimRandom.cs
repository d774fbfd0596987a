using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>A seeded xorshift generator: same seed, same run.</summary>
public sealed class SimRandom(ulong seed) : IRandomSource
{
    private ulong _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed * 0x9E3779B97F4A7C15UL;

    public uint NextUInt32()
    {
        _state ^= _state << 13;
        _state ^= _state >> 7;
        _state ^= _state << 17;
        return (uint)(_state >> 16);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => NextUInt32() / 4294967296.0;

    public int Next(int maxExclusive) => (int)(NextUInt32() % (uint)maxExclusive);
}
