using System;
using System.IO.Ports;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>
    /// The management console on a UART (COM2: nanoFramework keeps COM1, the USB port, for
    /// deploying and debugging). Reads only what has arrived, so the loop never waits on it;
    /// a UART has no hang-up, so it is never "gone".
    /// </summary>
    public sealed class NanoSerialLine : IByteStream
    {
        private readonly SerialPort _port;

        public NanoSerialLine(string portName, int baud)
        {
            _port = new SerialPort(portName, baud, Parity.None, 8, StopBits.One);
            _port.ReadTimeout = 0;
            _port.WriteTimeout = 500;
            _port.Open();
        }

        public int Read(byte[] buffer, int offset, int length)
        {
            int waiting = _port.BytesToRead;
            if (waiting <= 0)
            {
                return 0;
            }

            return _port.Read(buffer, offset, waiting < length ? waiting : length);
        }

        public int Write(byte[] buffer, int offset, int length)
        {
            try
            {
                _port.Write(buffer, offset, length);
                return length;
            }
            catch (TimeoutException)
            {
                return 0; // nobody reading at the other end: the session tries again
            }
        }
    }
}
