using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Edge.Host.Api.Spdy;

/// <summary>
/// SPDY/3 name/value header blocks (2.6.10): a 32-bit count, then each name and value with a
/// 32-bit length (names lower case; several values of one name joined by NUL). Each direction
/// of a connection compresses its blocks with one zlib stream, carried on from frame to frame and
/// flushed at the end of each block (2.6.10.1).
/// </summary>
public static class SpdyHeaderBlock
{
    /// <summary>Most pairs and bytes per name or value taken from a peer.</summary>
    public const int MaxPairs = 256;
    public const int MaxLength = 16 * 1024;

    public static byte[] Serialize(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var block = new MemoryStream();
        Span<byte> word = stackalloc byte[4];
        var pairs = headers.ToList();
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)pairs.Count);
        block.Write(word);
        foreach ((string name, string value) in pairs)
        {
            foreach (byte[] text in new[] { Encoding.UTF8.GetBytes(name.ToLowerInvariant()), Encoding.UTF8.GetBytes(value) })
            {
                BinaryPrimitives.WriteUInt32BigEndian(word, (uint)text.Length);
                block.Write(word);
                block.Write(text);
            }
        }

        return block.ToArray();
    }
}

/// <summary>
/// The compressor for the blocks this side sends: one zlib stream, flushed (Z_SYNC_FLUSH) at the
/// end of each block. It does not use the SPDY dictionary: a zlib header without FDICT tells the
/// peer so, and the dictionary only ever saves bytes.
/// </summary>
public sealed class SpdyHeaderEncoder : IDisposable
{
    private readonly MemoryStream _output = new();
    private readonly ZLibStream _zlib;

    public SpdyHeaderEncoder()
    {
        _zlib = new ZLibStream(_output, CompressionLevel.Fastest, leaveOpen: true);
    }

    public byte[] Encode(IEnumerable<KeyValuePair<string, string>> headers)
    {
        _zlib.Write(SpdyHeaderBlock.Serialize(headers));
        _zlib.Flush();
        byte[] compressed = _output.ToArray();
        _output.SetLength(0);
        return compressed;
    }

    public void Dispose() => _zlib.Dispose();
}

/// <summary>
/// The decompressor for the peer's blocks. .NET's zlib takes no preset dictionary, so the first
/// block's zlib header is read here (RFC 1950: its FDICT must name <see cref="SpdyDictionary.Id"/>)
/// and the raw deflate stream behind it is given the dictionary as a stored block first (RFC 1951
/// 3.2.4): back-references into the dictionary then find it in the window, and its own output is
/// skipped. Each block is read field by field, so nothing waits for bytes the frame does not hold.
/// </summary>
public sealed class SpdyHeaderDecoder : IDisposable
{
    private readonly BlockInput _input = new();
    private readonly DeflateStream _inflate;
    private bool _started;

    public SpdyHeaderDecoder()
    {
        _inflate = new DeflateStream(_input, CompressionMode.Decompress, leaveOpen: true);
    }

    public Dictionary<string, string> Decode(ReadOnlySpan<byte> compressed)
    {
        if (!_started)
        {
            compressed = compressed[ReadZlibHeader(compressed)..];
            _input.Add(StoredBlock(SpdyDictionary.Bytes));
            _started = true;
            _input.Add(compressed.ToArray());
            ReadExactly(SpdyDictionary.Bytes.Length);
        }
        else
        {
            _input.Add(compressed.ToArray());
        }

        int count = Count(ReadExactly(4), SpdyHeaderBlock.MaxPairs, "header pairs");
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string name = Encoding.UTF8.GetString(ReadExactly(Count(ReadExactly(4), SpdyHeaderBlock.MaxLength, "bytes in a header name")));
            string value = Encoding.UTF8.GetString(ReadExactly(Count(ReadExactly(4), SpdyHeaderBlock.MaxLength, "bytes in a header value")));
            if (name.Length == 0 || !headers.TryAdd(name, value))
            {
                throw new SpdyProtocolException(name.Length == 0 ? "a header with an empty name" : $"the header {name} twice in one block");
            }
        }

        return headers;
    }

    public void Dispose() => _inflate.Dispose();

    /// <summary>RFC 1950 2.2: CMF and FLG (deflate, a multiple of 31), and DICTID when FDICT is set. Returns its length.</summary>
    private static int ReadZlibHeader(ReadOnlySpan<byte> block)
    {
        if (block.Length < 2 || (block[0] & 0x0F) != 8 || ((block[0] << 8) | block[1]) % 31 != 0)
        {
            throw new SpdyProtocolException("the first header block does not start with a zlib header");
        }

        if ((block[1] & 0x20) == 0)
        {
            return 2;
        }

        if (block.Length < 6 || BinaryPrimitives.ReadUInt32BigEndian(block[2..]) != SpdyDictionary.Id)
        {
            throw new SpdyProtocolException($"the header blocks are compressed with a dictionary other than SPDY/3's (DICTID {SpdyDictionary.Id:x8})");
        }

        return 6;
    }

    /// <summary>A non-final stored block (RFC 1951 3.2.4): BFINAL 0, BTYPE 00, then LEN and its complement, little-endian.</summary>
    private static byte[] StoredBlock(byte[] data)
    {
        byte[] block = new byte[5 + data.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(1), (ushort)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(3), (ushort)~data.Length);
        data.CopyTo(block, 5);
        return block;
    }

    private static int Count(byte[] word, int max, string what)
    {
        uint n = BinaryPrimitives.ReadUInt32BigEndian(word);
        return n <= (uint)max ? (int)n : throw new SpdyProtocolException($"{n} {what}; Edge takes at most {max}");
    }

    private byte[] ReadExactly(int length)
    {
        byte[] bytes = new byte[length];
        try
        {
            _inflate.ReadExactly(bytes);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new SpdyProtocolException("a header block that does not decompress to whole name/value pairs");
        }

        return bytes;
    }

    /// <summary>The frames' compressed bytes, handed to the inflater as it asks; none left reads as 0.</summary>
    private sealed class BlockInput : Stream
    {
        private readonly Queue<byte[]> _blocks = new();
        private int _offset;

        public void Add(byte[] block)
        {
            if (block.Length > 0)
            {
                _blocks.Enqueue(block);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!_blocks.TryPeek(out byte[]? block))
            {
                return 0;
            }

            int n = Math.Min(buffer.Length, block.Length - _offset);
            block.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            if (_offset == block.Length)
            {
                _blocks.Dequeue();
                _offset = 0;
            }

            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
