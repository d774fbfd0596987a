#nullable disable
using Edge.Dataplane.Platform;

namespace Edge.NanoClr.Programs
{
    /// <summary>Two LEDs in memory: what they show now, and how often the activity LED lit.</summary>
    public sealed class MemoryLeds : IIndicators
    {
        public bool Status;
        public bool Activity;
        public long Changes;
        public long ActivityFlashes;

        public void Show(bool status, bool activity)
        {
            if (activity && !Activity)
            {
                ActivityFlashes++;
            }

            Status = status;
            Activity = activity;
            Changes++;
        }
    }
}
