namespace Edge.NanoClr.Programs
{
    /// <summary>
    /// The empty runtime: mscorlib and nanoFramework.Runtime.Native loaded, no dataplane. Its
    /// free heap against <see cref="BudgetProbe"/>'s first figure is what loading the dataplane's
    /// assemblies costs (their runtime tables, static fields and what their static constructors
    /// make), less the difference between the two programs' own tables (the loader prints both).
    /// Main has the same shape as BudgetProbe's, so the same stack frames are live at the measure.
    /// </summary>
    public static class BudgetBaseline
    {
        public static void Main()
        {
            Report(Free());
        }

        private static void Report(long loaded)
        {
            System.Console.WriteLine("budget loaded " + loaded.ToString());
            System.Console.WriteLine("budget end ok");
        }

        private static long Free()
        {
            return nanoFramework.Runtime.Native.GC.Run(false);
        }
    }
}
