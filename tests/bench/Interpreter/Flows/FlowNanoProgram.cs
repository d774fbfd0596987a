// nanoFramework C#: no nullable annotations there.
#nullable disable

using System;

namespace Edge.Bench.Interpreter
{
    /// <summary>The flow scenarios as a nanoFramework program: what `bench -- flows` runs on nanoCLR.</summary>
    public static class FlowProgram
    {
        public static void Main()
        {
            SpeedScenario[] all = FlowScenarios.All();
            for (int round = 0; round < FlowScenarios.Rounds; round++)
            {
                for (int i = 0; i < all.Length; i++)
                {
                    Console.WriteLine(SpeedRunner.Run(all[i], FlowScenarios.TargetTicks));
                }
            }
        }
    }
}
