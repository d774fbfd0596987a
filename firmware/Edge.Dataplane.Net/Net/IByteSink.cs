namespace Edge.Dataplane.Net
{
    /// <summary>Where a byte stream goes (a capture file, a management connection).</summary>
    public interface IByteSink
    {
        void Write(byte[] buffer, int offset, int length);
    }
}
