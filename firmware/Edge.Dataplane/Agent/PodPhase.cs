namespace Edge.Dataplane.Agent
{
    /// <summary>Pod phases a board reports (status.phase), with Kubernetes' names.</summary>
    public static class PodPhase
    {
        public const int Pending = 0;
        public const int Running = 1;
        public const int Failed = 2;

        private static readonly string[] Names = { "Pending", "Running", "Failed" };

        public static string Name(int phase)
        {
            return phase >= 0 && phase < Names.Length ? Names[phase] : "Unknown";
        }
    }
}
