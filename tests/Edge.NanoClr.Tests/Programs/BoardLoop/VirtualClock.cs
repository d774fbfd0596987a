#nullable disable
using Edge.Dataplane.Platform;

namespace Edge.NanoClr.Programs
{
    /// <summary>Simulated time the scenario moves: every timer in the loop (heartbeats, LED blinks, redraws) is exact and instant.</summary>
    public sealed class VirtualClock : IClock
    {
        public long Now;

        public long Milliseconds
        {
            get { return Now; }
        }
    }
}
