using System.Text;
using Edge.Host.Api.Spdy;

namespace Edge.Host.Tests.Api.Spdy;

/// <summary>
/// SPDY/3 header blocks (draft-mbelshe-httpbis-spdy-00, 2.6.10): the name/value layout, and the
/// zlib stream each direction keeps across frames, with the SPDY dictionary as kubectl's Go zlib
/// uses it.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class SpdyHeaderBlockTests
{
    [Fact]
    public void The_dictionary_is_the_specs_1423_bytes_and_its_Adler32_is_the_DICTID_kubectl_sends()
    {
        Assert.Equal(1423, SpdyDictionary.Bytes.Length);
        Assert.Equal(SpdyDictionary.Id, SpdyDictionary.Adler32(SpdyDictionary.Bytes));
        Assert.Equal(0x11E60398u, SpdyDictionary.Adler32("Wikipedia"u8)); // the checksum's textbook example
        Assert.StartsWith("\0\0\0\u0007options\0\0\0\u0004head", Encoding.ASCII.GetString(SpdyDictionary.Bytes));
        Assert.EndsWith("utf-,*,enq=0.", Encoding.ASCII.GetString(SpdyDictionary.Bytes));
    }

    [Fact]
    public void Blocks_compressed_with_the_dictionary_decode_in_order_from_one_zlib_stream()
    {
        // Made with zlib (Python's compressobj with zdict = the dictionary; Z_SYNC_FLUSH after each
        // block), as Go's zlib.NewWriterLevelDict does for kubectl: the first starts with 78 f9 and
        // DICTID e3c6a7c2, the second goes on from the first's window.
        byte[] first = Convert.FromHexString("78f9e3c6a7c202e50e703a2b294a4dcc851625aca9a080c652c670211c07000000ffff");
        byte[] second = Convert.FromHexString("c2aa1198d453f2c12538ac80612e4f4d02000000ffff");
        using var decoder = new SpdyHeaderDecoder();
        Assert.Equal(new Dictionary<string, string> { ["streamtype"] = "error", ["content-type"] = "text/plain" }, decoder.Decode(first));
        Assert.Equal(new Dictionary<string, string> { ["streamtype"] = "stdout", ["host"] = "web" }, decoder.Decode(second));
    }

    [Fact]
    public void What_the_encoder_sends_the_decoder_reads_block_after_block()
    {
        using var encoder = new SpdyHeaderEncoder();
        using var decoder = new SpdyHeaderDecoder();
        for (int i = 0; i < 5; i++)
        {
            var headers = new Dictionary<string, string> { ["streamtype"] = "data", ["port"] = (8000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), ["requestid"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            Assert.Equal(headers, decoder.Decode(encoder.Encode(headers)));
        }

        Assert.Empty(decoder.Decode(encoder.Encode([]))); // SYN_REPLY's empty block
    }

    [Fact]
    public void Names_go_out_in_lower_case_with_32_bit_lengths()
    {
        byte[] block = SpdyHeaderBlock.Serialize([new("StreamType", "error")]);
        Assert.Equal(Convert.FromHexString("00000001" + "0000000a" + Convert.ToHexString("streamtype"u8) + "00000005" + Convert.ToHexString("error"u8)), block);
    }

    [Theory]
    [InlineData("7802", "does not start with a zlib header")]                                 // FCHECK wrong: not a multiple of 31
    [InlineData("7801", "does not decompress to whole name/value pairs")]                     // a zlib header and nothing after it
    [InlineData("78bb00000000", "a dictionary other than SPDY/3's")]                         // FDICT with another DICTID
    [InlineData("0102", "does not start with a zlib header")]                                 // not deflate
    [InlineData("78f9e3c6a7c202e50e703a2b294a4dcc", "does not decompress to whole name/value pairs")] // the first block cut short
    public void A_block_that_is_not_SPDYs_is_a_protocol_error(string hex, string reason)
    {
        using var decoder = new SpdyHeaderDecoder();
        SpdyProtocolException refused = Assert.Throws<SpdyProtocolException>(() => decoder.Decode(Convert.FromHexString(hex)));
        Assert.Contains(reason, refused.Message);
    }

    [Fact]
    public void A_count_beyond_the_limit_is_refused_before_anything_is_allocated_for_it()
    {
        using var encoder = new SpdyHeaderEncoder();
        using var decoder = new SpdyHeaderDecoder();
        byte[] raw = [0x7F, 0xFF, 0xFF, 0xFF];
        // An encoder's stream carrying a block that claims two billion pairs.
        byte[] compressed = CompressRaw(raw);
        SpdyProtocolException refused = Assert.Throws<SpdyProtocolException>(() => decoder.Decode(compressed));
        Assert.Equal("2147483647 header pairs; Edge takes at most 256", refused.Message);
    }

    private static byte[] CompressRaw(byte[] raw)
    {
        var output = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(raw);
            zlib.Flush();
        }

        return output.ToArray();
    }
}
