namespace Edge.Dataplane.Wire
{
    /// <summary>One record header of a pcap file; reused while reading.</summary>
    public sealed class PcapRecord
    {
        public uint Seconds;
        public uint Microseconds;
        public int CapturedLength;
        public int OriginalLength;
    }
}
