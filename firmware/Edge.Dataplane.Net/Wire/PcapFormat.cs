namespace Edge.Dataplane.Wire
{
    /// <summary>How a pcap file's records are laid out, from its file header.</summary>
    public sealed class PcapFormat
    {
        public bool BigEndian;
        public bool Nanoseconds;
        public int SnapLength;
    }
}
