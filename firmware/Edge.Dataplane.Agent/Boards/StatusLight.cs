using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// What the status and activity LEDs show, as a function of time, so an instructor can read a
    /// table of boards at a glance: steady on when Ready, and otherwise a blink code that repeats
    /// every two seconds: one blink booting, two no Ethernet link, three waiting for the control
    /// plane, fast flashing on a fault. The activity LED lights for 30 ms after each frame.
    /// </summary>
    public sealed class StatusLight
    {
        private const int CycleMs = 2000;
        private const int BlinkMs = 150;
        private const int FlickerMs = 30;

        private int _status = NodeStatus.Booting;
        private long _activityUntil;

        public int Status
        {
            get { return _status; }
        }

        public void SetStatus(int status)
        {
            _status = status;
        }

        public void Activity(long now)
        {
            _activityUntil = now + FlickerMs;
        }

        /// <summary>Whether the status LED is lit at <paramref name="now"/> (milliseconds).</summary>
        public bool StatusOn(long now)
        {
            if (_status == NodeStatus.Ready)
            {
                return true;
            }

            if (_status == NodeStatus.Fault)
            {
                return (now / 100) % 2 == 0;
            }

            int blinks = _status == NodeStatus.Booting ? 1 : _status == NodeStatus.NoLink ? 2 : 3;
            long t = now % CycleMs;
            int slot = (int)(t / (2 * BlinkMs));
            return slot < blinks && t % (2 * BlinkMs) < BlinkMs;
        }

        public bool ActivityOn(long now)
        {
            return now < _activityUntil;
        }

        /// <summary>How the console says the state at boot and when it changes.</summary>
        public static string Describe(int status)
        {
            switch (status)
            {
                case NodeStatus.Booting: return "booting (status LED: one blink)";
                case NodeStatus.NoLink: return "no Ethernet link (status LED: two blinks)";
                case NodeStatus.WaitingForControlPlane: return "waiting for the control plane (status LED: three blinks)";
                case NodeStatus.Ready: return "ready (status LED: steady)";
                default: return "fault (status LED: flashing)";
            }
        }
    }
}
