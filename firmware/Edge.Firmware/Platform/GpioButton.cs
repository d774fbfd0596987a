using System.Device.Gpio;
using System.Threading;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>The profile's button on a GPIO input (the pull-up or pull-down is on the board); the boot reads it to forget the cluster (<see cref="ForgetButton"/>).</summary>
    public sealed class GpioButton : IButton
    {
        private readonly GpioPin _pin;
        private readonly PinValue _pressed;

        private GpioButton(GpioPin pin, bool activeLow)
        {
            _pin = pin;
            _pressed = activeLow ? PinValue.Low : PinValue.High;
        }

        /// <summary>The profile's button, or null when it names none.</summary>
        public static GpioButton Open(GpioController gpio, BoardProfile profile)
        {
            if (profile == null || profile.ButtonPin < 0)
            {
                return null;
            }

            return new GpioButton(gpio.OpenPin(profile.ButtonPin, PinMode.Input), profile.ButtonActiveLow);
        }

        public bool PressedAfter(int waitMs)
        {
            if (waitMs > 0)
            {
                Thread.Sleep(waitMs);
            }

            return _pin.Read() == _pressed;
        }

        /// <summary>Gives the pin back once the boot has read it.</summary>
        public void Close()
        {
            _pin.Dispose();
        }
    }
}
