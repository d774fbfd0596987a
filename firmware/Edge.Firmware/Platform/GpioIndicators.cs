using System.Device.Gpio;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>The profile's status and activity LEDs on GPIO; the board loop's <see cref="StatusPanel"/> says when to light them.</summary>
    public sealed class GpioIndicators : IIndicators
    {
        private readonly GpioPin _status;
        private readonly GpioPin _activity;

        public GpioIndicators(GpioController gpio, BoardProfile profile)
        {
            _status = profile != null && profile.StatusLed >= 0 ? gpio.OpenPin(profile.StatusLed, PinMode.Output) : null;
            _activity = profile != null && profile.ActivityLed >= 0 ? gpio.OpenPin(profile.ActivityLed, PinMode.Output) : null;
        }

        public void Show(bool status, bool activity)
        {
            if (_status != null)
            {
                _status.Write(status);
            }

            if (_activity != null)
            {
                _activity.Write(activity);
            }
        }
    }
}
