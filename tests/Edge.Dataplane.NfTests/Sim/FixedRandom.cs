#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>A random source that says the same two numbers over and over (a board's RNG just after a reset, at worst).</summary>
    public sealed class FixedRandom : IRandomSource
    {
        private readonly uint _first;
        private readonly uint _second;
        private bool _odd;

        public FixedRandom(uint first, uint second)
        {
            _first = first;
            _second = second;
        }

        public uint NextUInt32()
        {
            _odd = !_odd;
            return _odd ? _first : _second;
        }
    }
}
