using System.Device.Gpio;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>The profile's status and activity LEDs, driven from <see cref="StatusLight"/> each turn of the loop.</summary>
    public sealed class GpioIndicators : IIndicators
    {
        private readonly StatusLight _light = new StatusLight();
        private readonly NanoClock _clock;
        private readonly GpioPin _status;
        private readonly GpioPin _activity;
        private bool _statusOn;
        private bool _activityOn;

        public GpioIndicators(GpioController gpio, BoardProfile profile, NanoClock clock)
        {
            _clock = clock;
            _status = profile != null && profile.StatusLed >= 0 ? gpio.OpenPin(profile.StatusLed, PinMode.Output) : null;
            _activity = profile != null && profile.ActivityLed >= 0 ? gpio.OpenPin(profile.ActivityLed, PinMode.Output) : null;
        }

        public int Status
        {
            get { return _light.Status; }
        }

        /// <summary>Sets what the status LED shows, and says it on the console when it changes (boards/README: the console prints the same).</summary>
        public void SetStatus(int status)
        {
            if (status != _light.Status)
            {
                System.Console.WriteLine("edge: " + StatusLight.Describe(status));
            }

            _light.SetStatus(status);
        }

        public void Activity()
        {
            _light.Activity(_clock.Milliseconds);
        }

        /// <summary>Sets the pins to what the light shows now (writes only on a change).</summary>
        public void Refresh()
        {
            long now = _clock.Milliseconds;
            bool status = _light.StatusOn(now);
            if (_status != null && status != _statusOn)
            {
                _status.Write(status);
            }

            bool activity = _light.ActivityOn(now);
            if (_activity != null && activity != _activityOn)
            {
                _activity.Write(activity);
            }

            _statusOn = status;
            _activityOn = activity;
        }
    }
}
