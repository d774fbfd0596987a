// nanoFramework.System.IO.Ports 1.1.139 (nanoframework/System.IO.Ports, tag v1.1.139): SerialPort as Edge.Firmware uses it.
namespace System.IO.Ports
{
    public enum Parity
    {
        None = 0,
        Odd = 1,
        Even = 2,
    }

    public enum StopBits
    {
        One = 1,
        Two = 2,
        OnePointFive = 3,
    }

    public sealed class SerialPort : IDisposable
    {
        public SerialPort(string portName, int baudRate = 9600, Parity parity = Parity.None, int dataBits = 8, StopBits stopBits = StopBits.One) { }
        public void Open() => throw null;
        public void Close() => throw null;
        public bool IsOpen => throw null;
        public int BytesToRead => throw null;
        public int ReadTimeout { get => throw null; set => throw null; }
        public int WriteTimeout { get => throw null; set => throw null; }
        public int Read(byte[] buffer, int offset, int count) => throw null;
        public void Write(byte[] buffer, int offset, int count) => throw null;
        public void Dispose() => throw null;
    }
}
