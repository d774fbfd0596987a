using Edge.Dataplane.Agent;
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// What a board shows of itself: the status and activity LEDs in <see cref="StatusLight"/>'s
    /// blink codes, the optional display laid out by <see cref="StatusScreen"/> (redrawn when
    /// what it says changed, at most once a second: a redraw is a kilobyte over I2C), and a
    /// console line whenever the status changes. The platform only sets pins and draws text; a
    /// board without LEDs or a display passes null for them.
    /// </summary>
    public sealed class StatusPanel
    {
        public const int ScreenRefreshMs = 1000;

        private readonly IIndicators _leds;
        private readonly IDisplay _display;
        private readonly ILog _log;
        private readonly StatusLight _light = new StatusLight();

        // Only with a display: two screens of cells are half a kilobyte a small board need not hold.
        private readonly StatusScreen _screen;
        private bool _statusOn;
        private bool _activityOn;
        private long _nextRedraw;

        /// <summary>Times the LEDs changed and the display was redrawn.</summary>
        public long LedChanges;
        public long Redraws;

        public StatusPanel(IIndicators leds, IDisplay display, ILog log)
        {
            _leds = leds;
            _display = display;
            _log = log;
            _screen = display != null ? new StatusScreen() : null;
        }

        public int Status
        {
            get { return _light.Status; }
        }

        public bool HasDisplay
        {
            get { return _display != null; }
        }

        /// <summary>Sets the node's status (<see cref="NodeStatus"/>), saying it on the console when it changes.</summary>
        public void SetStatus(int status)
        {
            if (status != _light.Status && _log != null)
            {
                _log.Write(StatusLight.Describe(status));
            }

            _light.SetStatus(status);
        }

        /// <summary>Frames went by: the activity LED flickers.</summary>
        public void Activity(long now)
        {
            _light.Activity(now);
        }

        /// <summary>Sets the LEDs to what they show at <paramref name="now"/>, telling the platform only of a change.</summary>
        public void ShowLights(long now)
        {
            bool status = _light.StatusOn(now);
            bool activity = _light.ActivityOn(now);
            if (status == _statusOn && activity == _activityOn)
            {
                return;
            }

            _statusOn = status;
            _activityOn = activity;
            LedChanges++;
            if (_leds != null)
            {
                _leds.Show(status, activity);
            }
        }

        /// <summary>Redraws the display with the node as it is now, if what it says changed and a second has passed since the last redraw.</summary>
        public void ShowScreen(long now, string name, uint address, RunningPod[] pods, int maxPods)
        {
            if (_display == null || now < _nextRedraw)
            {
                return;
            }

            _nextRedraw = now + ScreenRefreshMs;
            if (!_screen.Render(name, address, _light.Status, pods, maxPods))
            {
                return;
            }

            // Every line is drawn whole (16 cells, spaces clear theirs), so nothing needs clearing first.
            for (int row = 0; row < StatusScreen.Rows; row++)
            {
                _display.DrawLine(row, _screen.Line(row));
            }

            _display.Show();
            Redraws++;
        }
    }
}
