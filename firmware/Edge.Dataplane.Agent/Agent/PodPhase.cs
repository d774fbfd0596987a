namespace Edge.Dataplane.Agent
{
    /// <summary>Pod phases a board reports (status.phase), with Kubernetes' names.</summary>
    public static class PodPhase
    {
        public const int Pending = 0;
        public const int Running = 1;
        public const int Failed = 2;

        // A switch, not a static array: the names stay in flash instead of an array on the heap.
        private static string NameAt(int i)
        {
            switch (i)
            {
                case 0: return "Pending";
                case 1: return "Running";
                case 2: return "Failed";
                default: return null;
            }
        }

        public static string Name(int phase)
        {
            return NameAt(phase) ?? "Unknown";
        }
    }
}
