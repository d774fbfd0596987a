namespace Edge.Dataplane.Mgmt
{
    /// <summary>A pod the host scheduled onto this board: its sandbox and its one container's image.</summary>
    public sealed class PodSpec
    {
        public string Namespace = "default";
        public string Name = "";
        public string Uid = "";
        public uint Address;
        public string Image = "";
    }
}
