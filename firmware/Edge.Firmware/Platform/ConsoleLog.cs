using System;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>The board's debug console (COM1, the USB port): every line the board says starts "edge: ".</summary>
    public sealed class ConsoleLog : ILog
    {
        public void Write(string line)
        {
            Console.WriteLine("edge: " + line);
        }
    }
}
