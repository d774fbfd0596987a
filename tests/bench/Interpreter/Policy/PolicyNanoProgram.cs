// nanoFramework C#: no nullable annotations there.
#nullable disable

using System;

namespace Edge.Bench.Interpreter
{
    /// <summary>The policy scenarios as a nanoFramework program: what `bench -- policy` runs on nanoCLR.</summary>
    public static class PolicyProgram
    {
        public static void Main()
        {
            SpeedScenario[] all = PolicyScenarios.All();
            for (int round = 0; round < PolicyScenarios.Rounds; round++)
            {
                for (int i = 0; i < all.Length; i++)
                {
                    Console.WriteLine(SpeedRunner.Run(all[i], PolicyScenarios.TargetTicks));
                }
            }
        }
    }
}
