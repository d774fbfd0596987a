// nanoFramework.System.Device.I2c 1.1.29 (nanoframework/System.Device.I2c): the bus an SSD1306 display answers on.
namespace System.Device.I2c
{
    public enum I2cTransferStatus
    {
        UnknownError,
        FullTransfer,
        ClockStretchTimeout,
        PartialTransfer,
        SlaveAddressNotAcknowledged,
    }

    public struct I2cTransferResult
    {
        public uint BytesTransferred => throw null;
        public I2cTransferStatus Status => throw null;
    }

    public sealed class I2cConnectionSettings
    {
        public I2cConnectionSettings(int busId, int deviceAddress) { }
        public int BusId => throw null;
        public int DeviceAddress => throw null;
    }

    public class I2cDevice : IDisposable
    {
        public I2cDevice(I2cConnectionSettings settings) { }
        public static I2cDevice Create(I2cConnectionSettings settings) => throw null;
        public I2cConnectionSettings ConnectionSettings => throw null;
        public I2cTransferResult WriteByte(byte value) => throw null;
        public byte ReadByte() => throw null;
        public void Dispose() => throw null;
    }
}
