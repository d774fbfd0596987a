namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// The `toolbox` image: runs no server; its pod exists to run tools (ping, wget, nc) in
    /// its sandbox on request.
    /// </summary>
    public sealed class Toolbox : IWorkload
    {
        public string Image
        {
            get { return "toolbox"; }
        }

        public void Poll(long now)
        {
        }

        public int Exit
        {
            get { return -1; }
        }

        public void Stop()
        {
        }
    }
}
