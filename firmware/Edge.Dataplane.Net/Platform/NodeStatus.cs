namespace Edge.Dataplane.Platform
{
    /// <summary>Node states for <see cref="IIndicators.SetStatus"/>.</summary>
    public static class NodeStatus
    {
        public const int Booting = 0;
        public const int NoLink = 1;
        public const int WaitingForControlPlane = 2;
        public const int Ready = 3;
        public const int Fault = 4;
    }
}
