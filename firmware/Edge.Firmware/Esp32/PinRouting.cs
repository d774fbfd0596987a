using Edge.Dataplane.Boards;
using nanoFramework.Hardware.Esp32;

namespace Edge.Firmware
{
    /// <summary>
    /// ESP32 peripherals reach any pin through its GPIO matrix, routed at run time: COM2 and
    /// I2C1 go to the pins the board profile names. (Edge.Firmware.Stm32 has its own: STM32
    /// targets fix their pins when the firmware image is built.)
    /// </summary>
    public static class PinRouting
    {
        /// <summary>Routes COM2 to the profile's console pins.</summary>
        public static void Console(BoardProfile profile)
        {
            Configuration.SetPinFunction(profile.ConsoleTx, DeviceFunction.COM2_TX);
            Configuration.SetPinFunction(profile.ConsoleRx, DeviceFunction.COM2_RX);
        }

        /// <summary>Routes I2C1 to the profile's display bus pins.</summary>
        public static void DisplayBus(BoardProfile profile)
        {
            Configuration.SetPinFunction(profile.I2cData, DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(profile.I2cClock, DeviceFunction.I2C1_CLOCK);
        }

        /// <summary>How the console names a pin: "GPIO4".</summary>
        public static string PinName(int pin)
        {
            return "GPIO" + pin.ToString();
        }
    }
}
