using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Wire;

[Trait("Category", Category.Unit)]
public sealed class PcapTests
{
    [Fact]
    public void Reads_the_file_tshark_wrote()
    {
        Assert.True(GoldenFrames.KernelCapture().Count > 0);
    }

    [Fact]
    public void A_written_header_reads_back()
    {
        byte[] b = new byte[Pcap.FileHeaderLength + Pcap.RecordHeaderLength];
        Pcap.EmitFileHeader(b, 0, 2048, Pcap.LinkTypeEthernet);
        Pcap.EmitRecordHeader(b, Pcap.FileHeaderLength, 1_700_000_000, 123_456, 60, 1514);

        var format = new PcapFormat();
        var record = new PcapRecord();
        Assert.Equal(WireError.None, Pcap.ParseFileHeader(b, 0, b.Length, format, out uint linkType));
        Assert.Equal(WireError.None, Pcap.ParseRecordHeader(b, Pcap.FileHeaderLength, Pcap.RecordHeaderLength, format, record));

        Assert.Equal((Pcap.LinkTypeEthernet, false, false, 2048), (linkType, format.BigEndian, format.Nanoseconds, format.SnapLength));
        Assert.Equal((1_700_000_000u, 123_456u, 60, 1514), (record.Seconds, record.Microseconds, record.CapturedLength, record.OriginalLength));
        Assert.Equal("d4c3b2a1", Convert.ToHexString(b, 0, 4).ToLowerInvariant()); // what tcpdump writes on x86
    }

    [Fact]
    public void Big_endian_and_nanosecond_files_read_too()
    {
        byte[] b = Convert.FromHexString("a1b23c4d00020004000000000000000000040000000000010000000a3b9ac9ff0000003c0000003c");
        var format = new PcapFormat();
        var record = new PcapRecord();

        Assert.Equal(WireError.None, Pcap.ParseFileHeader(b, 0, b.Length, format, out uint linkType));
        Assert.Equal(WireError.None, Pcap.ParseRecordHeader(b, 24, 16, format, record));

        Assert.True(format.BigEndian && format.Nanoseconds);
        Assert.Equal(1u, linkType);
        Assert.Equal((10u, 999_999u, 60), (record.Seconds, record.Microseconds, record.CapturedLength));
    }

    [Fact]
    public void Not_a_pcap_file_is_malformed()
    {
        byte[] b = System.Text.Encoding.ASCII.GetBytes("this is not a capture file at all");

        Assert.Equal(WireError.Malformed, Pcap.ParseFileHeader(b, 0, b.Length, new PcapFormat(), out _));
        Assert.Equal(WireError.Truncated, Pcap.ParseFileHeader(b, 0, 10, new PcapFormat(), out _));
    }
}
