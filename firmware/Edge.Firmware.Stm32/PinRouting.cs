using Edge.Dataplane.Boards;

namespace Edge.Firmware
{
    /// <summary>
    /// STM32 targets have no run-time pin matrix: nanoFramework's image for the board fixes which
    /// pins COM2 and I2C1 use when it is built, so there is nothing to route here. This file
    /// stands in for Edge.Firmware's Esp32/PinRouting.cs, which needs nanoFramework.Hardware.Esp32,
    /// an assembly STM32 images do not carry.
    /// </summary>
    public static class PinRouting
    {
        public static void Console(BoardProfile profile)
        {
        }

        public static void DisplayBus(BoardProfile profile)
        {
        }

        /// <summary>How the console names a pin: nanoFramework numbers STM32 pins port * 16 + pin, so 149 is "PJ5".</summary>
        public static string PinName(int pin)
        {
            return "P" + (char)('A' + (pin / 16)) + (pin % 16).ToString();
        }
    }
}
