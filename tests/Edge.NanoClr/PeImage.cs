using System.Buffers.Binary;

namespace Edge.NanoClr;

/// <summary>
/// The header of a nanoFramework assembly image (.pe, "NFMRK1"), as nf-interpreter's
/// CLR_RECORD_ASSEMBLY lays it out: marker, CRCs, flags, native-method checksum, patch entry,
/// version, name, string-table version, then where each of the 16 tables starts and how many
/// bytes of padding end it. A table's size is the next table's start less its own start and
/// padding. Method bodies live in the ByteCode table, addressed by 16-bit offsets: the format's
/// 65,535-byte limit on one assembly.
/// </summary>
public sealed class PeImage
{
    public const int ByteCodeLimit = 65_535;

    private const string Marker = "NFMRK1";
    private const int StartOfTables = 40;
    private const int TableCount = 16;
    private const int PaddingOfTables = StartOfTables + 4 * TableCount + 4;

    private enum Table
    {
        AssemblyRef, TypeRef, FieldRef, MethodRef, TypeDef, FieldDef, MethodDef, Attributes,
        TypeSpec, Resources, ResourcesData, Strings, Signatures, ByteCode, ResourcesFiles, EndOfAssembly,
    }

    private readonly int[] _sizes = new int[TableCount - 1];

    private PeImage(byte[] image)
    {
        for (int t = 0; t < TableCount - 1; t++)
        {
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(StartOfTables + 4 * t));
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(StartOfTables + 4 * (t + 1)));
            _sizes[t] = (int)(next - start) - image[PaddingOfTables + t];
        }
    }

    public static PeImage Read(string path)
    {
        byte[] image = File.ReadAllBytes(path);
        if (image.Length < PaddingOfTables + TableCount || System.Text.Encoding.ASCII.GetString(image, 0, Marker.Length) != Marker)
        {
            throw new InvalidDataException($"{path} is not a nanoFramework 1.x assembly image ({Marker})");
        }

        return new PeImage(image);
    }

    public int ByteCode => _sizes[(int)Table.ByteCode];
}
