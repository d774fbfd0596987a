using System.Text;

namespace Edge.Host.Api.OpenApi;

/// <summary>
/// The protobuf wire format, as much as a writer needs: each field is a key (field number and
/// wire type) then a varint, or a length and bytes (strings, nested messages). A nested
/// message is written to its own writer first, so its length is known.
/// </summary>
public sealed class ProtoWriter
{
    private const int Varint = 0;
    private const int LengthDelimited = 2;

    private readonly MemoryStream _bytes = new();

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>A string field; the empty string is left out, as proto3 leaves out defaults.</summary>
    public void String(int field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            Bytes(field, Encoding.UTF8.GetBytes(value));
        }
    }

    /// <summary>A repeated string field: each value, the empty ones too.</summary>
    public void Strings(int field, IEnumerable<string> values)
    {
        foreach (string value in values)
        {
            Bytes(field, Encoding.UTF8.GetBytes(value));
        }
    }

    /// <summary>A bool field; false is left out.</summary>
    public void Bool(int field, bool value)
    {
        if (value)
        {
            Key(field, Varint);
            WriteVarint(1);
        }
    }

    /// <summary>A nested message, written by <paramref name="write"/>; written even when empty (it is there).</summary>
    public void Message(int field, Action<ProtoWriter> write)
    {
        var nested = new ProtoWriter();
        write(nested);
        Bytes(field, nested.ToArray());
    }

    private void Bytes(int field, byte[] value)
    {
        Key(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _bytes.Write(value);
    }

    private void Key(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _bytes.WriteByte((byte)value);
    }
}
