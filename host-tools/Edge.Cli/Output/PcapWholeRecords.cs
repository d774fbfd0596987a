namespace Edge.Cli.Output;

/// <summary>
/// A stream over a pcap byte stream that passes on only whole records (the file header first),
/// holding back a record until all of it has arrived, so a capture stopped at any moment still
/// leaves a file Wireshark opens without "cut short in the middle of a packet".
/// </summary>
public sealed class PcapWholeRecords(Stream output) : Stream
{
    private const int FileHeaderLength = 24;
    private const int RecordHeaderLength = 16;
    private readonly MemoryStream _pending = new();
    private bool _headerDone;

    public long Records { get; private set; }

    public override void Write(byte[] buffer, int offset, int count)
    {
        _pending.Write(buffer, offset, count);
        byte[] data = _pending.GetBuffer();
        int length = (int)_pending.Length;
        int used = 0;
        while (true)
        {
            if (!_headerDone)
            {
                if (length - used < FileHeaderLength)
                {
                    break;
                }

                output.Write(data, used, FileHeaderLength);
                used += FileHeaderLength;
                _headerDone = true;
                continue;
            }

            if (length - used < RecordHeaderLength)
            {
                break;
            }

            int captured = BitConverter.ToInt32(data, used + 8); // pcap records here are little-endian
            if (length - used < RecordHeaderLength + captured)
            {
                break;
            }

            output.Write(data, used, RecordHeaderLength + captured);
            used += RecordHeaderLength + captured;
            Records++;
        }

        byte[] rest = data.AsSpan(used, length - used).ToArray();
        _pending.SetLength(0);
        _pending.Write(rest);
    }

    public override void Flush() => output.Flush();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
