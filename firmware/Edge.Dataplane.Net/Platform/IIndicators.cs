namespace Edge.Dataplane.Platform
{
    /// <summary>
    /// A board's status and activity LEDs. What they show (the blink codes of
    /// <c>Boards/StatusLight</c>) is decided by the board loop, which calls this only when a LED
    /// changes; the platform sets its pins.
    /// </summary>
    public interface IIndicators
    {
        /// <summary>Lights or darkens the two LEDs (a board without one of them leaves it out).</summary>
        void Show(bool status, bool activity);
    }
}
