namespace Edge.Host.Api.Protobuf;

/// <summary>
/// The protobuf wire format (protobuf.dev/programming-guides/encoding), read field by field:
/// a tag (field number and wire type), then a varint, 64- or 32-bit value, or length-delimited
/// bytes. Enough to read the Kubernetes objects kubectl sends; anything cut short is a FormatException.
/// </summary>
public ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;

    public bool More => _at < _data.Length;

    /// <summary>The next field's number and wire type.</summary>
    public (int Field, int WireType) Tag()
    {
        ulong tag = ReadVarint();
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_at >= _data.Length)
            {
                throw new FormatException("a protobuf varint cut short");
            }

            byte b = _data[_at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("a protobuf varint longer than 10 bytes");
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _at))
        {
            throw new FormatException("a protobuf field longer than what is left");
        }

        ReadOnlySpan<byte> bytes = _data.Slice(_at, (int)length);
        _at += (int)length;
        return bytes;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Passes over a field this reader has no use for.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Advance(8); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: Advance(4); break;
            default: throw new FormatException($"protobuf wire type {wireType} is not one a Kubernetes object uses");
        }
    }

    private void Advance(int n)
    {
        if (_at + n > _data.Length)
        {
            throw new FormatException("a protobuf field cut short");
        }

        _at += n;
    }
}
