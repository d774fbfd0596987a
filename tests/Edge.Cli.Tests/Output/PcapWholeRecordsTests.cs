using Edge.Cli.Output;
using Edge.Dataplane.Wire;

namespace Edge.Cli.Tests.Output;

/// <summary>A capture stopped at any byte still leaves a valid pcap: whole records only.</summary>
[Trait("Category", Category.Unit)]
public sealed class PcapWholeRecordsTests
{
    private static byte[] Capture(params int[] frameLengths)
    {
        var bytes = new List<byte>();
        byte[] header = new byte[Pcap.FileHeaderLength];
        Pcap.EmitFileHeader(header, 0, Pcap.DefaultSnapLength, Pcap.LinkTypeEthernet);
        bytes.AddRange(header);
        foreach (int length in frameLengths)
        {
            byte[] record = new byte[Pcap.RecordHeaderLength];
            Pcap.EmitRecordHeader(record, 0, 1, 2, length, length);
            bytes.AddRange(record);
            bytes.AddRange(Enumerable.Repeat((byte)0xAB, length));
        }

        return bytes.ToArray();
    }

    [Fact]
    public void Records_pass_whole_whatever_the_chunks_and_a_cut_one_is_held_back()
    {
        byte[] stream = Capture(60, 1514, 98);
        int cut = stream.Length - 40; // stopped in the middle of the third frame
        for (int chunk = 1; chunk <= 1100; chunk += 137)
        {
            var file = new MemoryStream();
            var writer = new PcapWholeRecords(file);
            for (int offset = 0; offset < cut; offset += chunk)
            {
                writer.Write(stream, offset, Math.Min(chunk, cut - offset));
            }

            Assert.Equal(2, writer.Records);
            Assert.Equal(stream.AsSpan(0, Pcap.FileHeaderLength + 2 * Pcap.RecordHeaderLength + 60 + 1514).ToArray(), file.ToArray());
        }
    }
}
