namespace Edge.Dataplane.Mgmt
{
    /// <summary>Another node on the overlay: its pod CIDR and where its VTEP listens.</summary>
    public sealed class PeerSpec
    {
        public string Name = "";
        public uint PodNetwork;
        public int PrefixLength = 24;
        public uint Address;
        public ushort Port = 4789;
    }
}
