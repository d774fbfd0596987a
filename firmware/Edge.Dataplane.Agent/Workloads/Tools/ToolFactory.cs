namespace Edge.Dataplane.Workloads.Tools
{
    /// <summary>Starts a tool once its host name has been resolved to an address.</summary>
    public delegate ITool ToolFactory(uint address);
}
