using System;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>
    /// Milliseconds for the dataplane's timers. DateTime.UtcNow is the board's clock (set by
    /// SNTP after boot, so it may jump once); the dataplane only compares and adds, and a jump
    /// forward at SNTP time only expires timers early, once.
    /// </summary>
    public sealed class NanoClock : IClock
    {
        public long Milliseconds
        {
            get { return DateTime.UtcNow.Ticks / TimeSpan.TicksPerMillisecond; }
        }
    }
}
