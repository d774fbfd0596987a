// nanoFramework.System.Device.Gpio 1.1.62 (nanoframework/System.Device.Gpio, tag v1.1.62): output pins for the status LEDs,
// an input pin for the forget button (GpioPin.Read, PinValue's == as System.Device.Gpio/PinValue.cs declares them).
namespace System.Device.Gpio
{
    public enum PinMode
    {
        Input,
        InputPullDown,
        InputPullUp,
        Output,
        OutputOpenDrain,
        OutputOpenDrainPullUp,
        OutputOpenSource,
        OutputOpenSourcePullDown,
    }

    public readonly struct PinValue
    {
        public static PinValue High => throw null;
        public static PinValue Low => throw null;
        public static implicit operator PinValue(bool value) => throw null;
        public static bool operator ==(PinValue a, PinValue b) => throw null;
        public static bool operator !=(PinValue a, PinValue b) => throw null;
        public bool Equals(PinValue other) => throw null;
        public override bool Equals(object obj) => throw null;
        public override int GetHashCode() => throw null;
    }

    public sealed class GpioPin : IDisposable
    {
        public int PinNumber => throw null;
        public void Write(PinValue value) => throw null;
        public PinValue Read() => throw null;
        public void Dispose() => throw null;
    }

    public sealed class GpioController : IDisposable
    {
        public GpioController() { }
        public GpioPin OpenPin(int pinNumber, PinMode mode) => throw null;
        public void Dispose() => throw null;
    }
}
