#nullable disable
using System;
using Edge.Dataplane.Platform;

namespace Edge.NanoClr.Programs
{
    /// <summary>The board loop's scenario as a nanoFramework program: its report on the interpreter's console, then "done".</summary>
    public static class BoardLoopProgram
    {
        public static void Main()
        {
            BoardLoopScenario.Run(new ConsoleReport());
            Console.WriteLine("done");
        }

        private sealed class ConsoleReport : ILog
        {
            public void Write(string line)
            {
                Console.WriteLine(line);
            }
        }
    }
}
