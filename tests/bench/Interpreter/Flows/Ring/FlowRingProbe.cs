// nanoFramework C#: no nullable annotations there.
#nullable disable

using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// What a board's heap gives a flow ring, measured on nanoCLR's 32-bit interpreter (`bench --
    /// flows` runs it with `--x86`): free heap after a collection before and after a FlowLog of
    /// a WROOM board's 16 events, then of the default 256. Only Net's assembly is loaded.
    /// </summary>
    public static class FlowRingProbe
    {
        public static void Main()
        {
            var clock = new StillClock();
            long before = Free();
            var wroom = new FlowLog(16, clock);
            long afterWroom = Free();
            var full = new FlowLog(256, clock);
            long afterFull = Free();
            System.Console.WriteLine("ring 16 " + (before - afterWroom).ToString());
            System.Console.WriteLine("ring 256 " + (afterWroom - afterFull).ToString());
            System.Console.WriteLine("ring end " + (wroom.Capacity + full.Capacity).ToString());
        }

        private static long Free()
        {
            return nanoFramework.Runtime.Native.GC.Run(false);
        }

        private sealed class StillClock : IClock
        {
            public long Milliseconds
            {
                get { return 0; }
            }
        }
    }
}
