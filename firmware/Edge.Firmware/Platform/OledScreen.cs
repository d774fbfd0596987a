using System;
using System.Device.I2c;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Platform;
using Iot.Device.Ssd13xx;

namespace Edge.Firmware.Platform
{
    /// <summary>
    /// The optional SSD1306 display (128x64, I2C address 0x3C): looked for once at boot on the
    /// profile's display bus and, when one answers, drawing the lines the board loop's
    /// <see cref="StatusPanel"/> lays out, in <see cref="ScreenFont"/>'s 8x8 cells. A board
    /// without one runs the same; the driver and the screen cost about 2 KiB of heap only when a
    /// display is there.
    /// </summary>
    public sealed class OledScreen : IDisplay
    {
        private const byte CommandStream = 0x00; // an SSD1306 control byte with no command after it: harmless

        private readonly Ssd1306 _display;

        private OledScreen(Ssd1306 display)
        {
            _display = display;
        }

        /// <summary>The display on the profile's I2C pins, or null (no bus in the profile, or nothing answers on it).</summary>
        public static OledScreen Open(BoardProfile profile)
        {
            if (profile == null || !profile.HasDisplayBus)
            {
                return null;
            }

            string bus = "I2C1 (SDA " + PinRouting.PinName(profile.I2cData) + ", SCL " + PinRouting.PinName(profile.I2cClock) + ")";
            try
            {
                PinRouting.DisplayBus(profile);
                I2cDevice device = I2cDevice.Create(new I2cConnectionSettings(1, Ssd1306.DefaultI2cAddress));

                // An SSD1306 acknowledges its address; with nothing on the bus nobody does.
                if (device.WriteByte(CommandStream).Status != I2cTransferStatus.FullTransfer)
                {
                    device.Dispose();
                    Console.WriteLine("edge: no display on " + bus + " (optional: an SSD1306 128x64 at 0x3C shows the node's name, address and pods)");
                    return null;
                }

                var display = new Ssd1306(device, Ssd13xx.DisplayResolution.OLED128x64);
                display.Font = new ScreenGlyphs();
                display.ClearScreen();
                Console.WriteLine("edge: display on " + bus);
                return new OledScreen(display);
            }
            catch (Exception e)
            {
                Console.WriteLine("edge: the display on " + bus + " did not start (" + e.Message + "); running without it");
                return null;
            }
        }

        public void DrawLine(int row, string text)
        {
            _display.DrawString(0, row * ScreenFont.Height, text);
        }

        public void Show()
        {
            _display.Display();
        }
    }
}
