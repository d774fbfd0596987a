// nanoFramework.Iot.Device.Ssd13xx 1.3.689 (nanoframework/nanoFramework.IoT.Device, devices/Ssd13xx,
// depending on CoreLibrary 1.17.11, System.Device.I2c 1.1.29, System.Device.Gpio 1.1.57, System.Math 1.5.116):
// the SSD1306 driver, text drawn with a font the application supplies.
namespace Iot.Device.Ssd13xx
{
    using System;
    using System.Device.Gpio;
    using System.Device.I2c;

    public enum DisplayOrientation
    {
        Portrait = 1,
        Landscape = 2,
        Portrait180 = 3,
        Landscape180 = 4,
    }

    public abstract class IFont
    {
        public virtual byte Width { get => throw null; private set => throw null; }
        public virtual byte Height { get => throw null; private set => throw null; }
        public abstract byte[] this[char character] { get; }
    }

    public abstract class Ssd13xx : IDisposable
    {
        public enum DisplayResolution
        {
            OLED128x64,
            OLED128x32,
            OLED96x16,
            OLED64x128,
        }

        public Ssd13xx(I2cDevice i2cDevice, DisplayResolution resolution = DisplayResolution.OLED128x64, DisplayOrientation orientation = DisplayOrientation.Landscape, int resetPin = -1, GpioController gpio = null, bool shouldDispose = true) { }

        public IFont Font { get => throw null; set => throw null; }
        public int Width { get => throw null; set => throw null; }
        public int Height { get => throw null; set => throw null; }
        public void DrawString(int x, int y, string str, byte size = 1, bool center = false) => throw null;
        public void Display() => throw null;
        public void ClearScreen() => throw null;
        public void Dispose() => throw null;
    }

    public class Ssd1306 : Ssd13xx
    {
        public const byte DefaultI2cAddress = 0x3C;
        public const byte SecondaryI2cAddress = 0x3D;

        public Ssd1306(I2cDevice i2cDevice, DisplayResolution res, DisplayOrientation orientation = DisplayOrientation.Landscape, int resetPin = -1, GpioController gpio = null, bool shouldDispose = true)
            : base(i2cDevice, res, orientation, resetPin, gpio, shouldDispose) { }
    }
}
