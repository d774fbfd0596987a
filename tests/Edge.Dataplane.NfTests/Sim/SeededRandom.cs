#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>xorshift32 (Marsaglia, 2003) from a seed: the same seed gives the same run on every runtime.</summary>
    public sealed class SeededRandom : IRandomSource
    {
        private uint _state;

        public SeededRandom(uint seed)
        {
            _state = seed == 0 ? 0x9E3779B9u : seed;
        }

        public uint NextUInt32()
        {
            uint x = _state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _state = x;
            return x;
        }
    }
}
