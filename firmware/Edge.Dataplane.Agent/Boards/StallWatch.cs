namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// A watchdog for the single polling loop: the loop says where it is each turn
    /// (<see cref="Beat"/>); a timer on another thread calls <see cref="Check"/> every period,
    /// and when the loop has not come round for that many checks in a row, the firmware logs the
    /// stage it stuck in and restarts the board. A board that hangs (a socket call that never
    /// returns, a livelock) comes back on its own instead of sitting dark on the workshop table;
    /// its settings survive in flash and the control plane resyncs it. It counts turns, not time,
    /// so the clock jumping when SNTP sets it cannot trip it.
    /// </summary>
    public sealed class StallWatch
    {
        private readonly int _checksAllowed;

        // The loop writes these, the timer's thread reads them: an int is one write on a 32-bit board.
        private int _turns;
        private string _stage = "boot";

        private int _seen = -1;
        private int _missed;

        /// <param name="checksAllowed">Checks in a row without a turn before the loop counts as stalled.</param>
        public StallWatch(int checksAllowed)
        {
            _checksAllowed = checksAllowed;
        }

        /// <summary>The loop came round (call once a turn, with the stage it is entering).</summary>
        public void Beat(string stage)
        {
            _stage = stage;
            _turns++;
        }

        /// <summary>One check from the timer: true when the loop has now missed more checks in a row than allowed.</summary>
        public bool Check()
        {
            int turns = _turns;
            if (turns != _seen)
            {
                _seen = turns;
                _missed = 0;
                return false;
            }

            _missed++;
            return _missed > _checksAllowed;
        }

        /// <summary>The console line before a restart.</summary>
        public string Describe(int periodMs)
        {
            return "the main loop has not come round for " + (_missed * periodMs / 1000).ToString() + " s (stuck in " + _stage + "); restarting";
        }
    }
}
