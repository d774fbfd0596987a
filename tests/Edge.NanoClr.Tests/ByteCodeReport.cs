namespace Edge.NanoClr.Tests;

/// <summary>
/// Each assembly's byte code against the limit, one file per assembly in artifacts/nf/byte-code/,
/// for CI to print (a passing test's output is not shown by dotnet test).
/// </summary>
public static class ByteCodeReport
{
    public static void Add(string assembly, string line)
    {
        string dir = RepoPaths.Of("artifacts", "nf", "byte-code");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, assembly + ".txt"), line + "\n");
    }
}
