#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>A clock the test moves: simulated time, so timers, retransmissions and expiry are exact and instant.</summary>
    public sealed class ManualClock : IClock
    {
        public long Now;

        public long Milliseconds
        {
            get { return Now; }
        }
    }
}
