using System;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>Randomness for ports, sequence numbers and DNS IDs: System.Random seeded from the clock at boot.</summary>
    public sealed class NanoRandom : IRandomSource
    {
        private readonly Random _random = new Random((int)(DateTime.UtcNow.Ticks & 0x7FFFFFFF));

        public uint NextUInt32()
        {
            // Next() gives 31 bits; two calls make 32.
            return ((uint)_random.Next() << 16) ^ (uint)_random.Next();
        }
    }
}
