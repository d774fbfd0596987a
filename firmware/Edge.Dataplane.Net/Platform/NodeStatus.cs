namespace Edge.Dataplane.Platform
{
    /// <summary>Node states: what the status LED, the display and the console show (<c>Boards/StatusPanel</c>).</summary>
    public static class NodeStatus
    {
        public const int Booting = 0;
        public const int NoLink = 1;
        public const int WaitingForControlPlane = 2;
        public const int Ready = 3;
        public const int Fault = 4;
    }
}
