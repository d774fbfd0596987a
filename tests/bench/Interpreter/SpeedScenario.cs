// nanoFramework C#: no nullable annotations there.
#nullable disable

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// One thing the board does, timed: made ready once, then done again and again. Written in
    /// the nanoFramework subset so the same code runs on CoreCLR and, converted by the metadata
    /// processor, on nanoCLR; the two times in one run give the interpreter's ratio.
    /// </summary>
    public abstract class SpeedScenario
    {
        public abstract string Name { get; }

        /// <summary>What one iteration is (for the report): "packet", "query", "snapshot".</summary>
        public abstract string Unit { get; }

        public abstract void Setup();

        /// <summary>Does the thing once; false when it did not happen as it should (the figure is then worthless).</summary>
        public abstract bool Step();
    }
}
