// nanoFramework C#: no nullable annotations there.
#nullable disable

namespace Edge.Bench.Interpreter
{
    /// <summary>The speed scenarios as a nanoFramework program: what `bench -- speed` runs on nanoCLR.</summary>
    public static class Program
    {
        public static void Main()
        {
            SpeedRunner.RunAll(5000000); // half a second a scenario
        }
    }
}
