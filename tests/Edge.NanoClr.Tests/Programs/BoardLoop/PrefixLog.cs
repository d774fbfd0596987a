#nullable disable
using Edge.Dataplane.Platform;

namespace Edge.NanoClr.Programs
{
    /// <summary>Lines into another log, each after a prefix ("board: " for what the board says on its console).</summary>
    public sealed class PrefixLog : ILog
    {
        private readonly ILog _to;
        private readonly string _prefix;

        public PrefixLog(ILog to, string prefix)
        {
            _to = to;
            _prefix = prefix;
        }

        public void Write(string line)
        {
            _to.Write(_prefix + line);
        }
    }
}
