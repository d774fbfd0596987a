// nanoFramework.Hardware.Esp32 1.6.40 (nanoframework/nanoFramework.Hardware.Esp32, tag v1.6.40): routing COM2 and I2C1 to GPIOs.
// DeviceFunction has many more members (and encoded values); only those used are declared.
namespace nanoFramework.Hardware.Esp32
{
    public enum DeviceFunction
    {
        COM2_TX,
        COM2_RX,
        I2C1_DATA,
        I2C1_CLOCK,
    }

    public class Configuration
    {
        public static void SetPinFunction(int pin, DeviceFunction value) => throw null;
        public static int GetFunctionPin(DeviceFunction function) => throw null;
    }
}
