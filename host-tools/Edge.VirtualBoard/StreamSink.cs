using Edge.Dataplane.Net;

namespace Edge.VirtualBoard;

/// <summary>A pcap stream into a file (or stdout), flushed per frame so `tshark -r` and Wireshark see it live.</summary>
public sealed class StreamSink(Stream stream) : IByteSink, IDisposable
{
    public void Write(byte[] buffer, int offset, int length)
    {
        stream.Write(buffer, offset, length);
        stream.Flush();
    }

    public void Dispose() => stream.Dispose();
}
