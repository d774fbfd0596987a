using System.Text.RegularExpressions;
using Edge.NanoClr;
using Xunit.Abstractions;

namespace Edge.NanoClr.Tests;

/// <summary>
/// Every dataplane assembly converts with the metadata processor and keeps its byte code under
/// the format's limit with room for features to land: one nanoFramework assembly holds at most
/// 65,535 bytes of byte code (16-bit method offsets), and a layer stays within 48 KiB of it.
/// </summary>
[Trait("Category", Category.NanoClr)]
[Collection(NanoClrCollection.Name)]
public sealed partial class ByteCodeTests(NanoClrSession session, ITestOutputHelper output)
{
    /// <summary>What a layer may grow to: 48 KiB leaves a quarter of the format's limit for what lands next.</summary>
    public const int Headroom = 48 * 1024;

    public static TheoryData<string> Assemblies() => new(NanoClrSession.DataplaneAssemblies);

    [NanoClrTheory]
    [MemberData(nameof(Assemblies))]
    public void Converts_with_its_byte_code_under_48_KiB(string assembly)
    {
        NanoAssembly converted = session.Dataplane.Single(a => a.Name == assembly);
        int byteCode = PeImage.Read(converted.Pe).ByteCode;

        string line = $"{assembly}: {byteCode:N0} bytes of byte code = {(double)byteCode / PeImage.ByteCodeLimit:F2} of the 65,535-byte limit (headroom to 48 KiB: {Headroom - byteCode:N0})";
        output.WriteLine(line);
        ByteCodeReport.Add(assembly, line);
        Assert.True(byteCode <= Headroom, line);
    }

    [NanoClrFact]
    public void The_images_load_together_and_their_byte_code_is_what_nanoCLR_counts()
    {
        string probe = NanoCompiler.Compile("LoadProbe", [RepoPaths.Of("tests", "Edge.NanoClr.Tests", "Programs", "LoadProbe.cs")],
            session.Dataplane.Select(a => a.Dll), session.WorkDirectory, executable: true);
        string probeImage = MetadataProcessor.Convert(NanoClrSession.Toolchain, probe,
            new[] { NanoClrToolchain.CoreLibrary("mscorlib.dll") }.Concat(session.Dataplane.Select(a => a.Dll)), session.WorkDirectory);

        NanoClrRun run = NanoClrProcess.Run(NanoClrSession.Toolchain, session.CoreImages().Append(probeImage), TimeSpan.FromMinutes(1));

        Assert.True(run.Started && !run.Crashed, "the dataplane's images did not load:\n" + run.Tail());
        Assert.Contains("loaded", run.Program, StringComparison.Ordinal);
        foreach (NanoAssembly assembly in session.Dataplane)
        {
            Match counted = LoaderByteCode(assembly.Name).Match(run.Output);
            Assert.True(counted.Success, $"the loader printed no figures for {assembly.Name}");
            Assert.Equal(int.Parse(counted.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), PeImage.Read(assembly.Pe).ByteCode);
        }
    }

    // The loader's table for one assembly: "Assembly: NAME (...)" and, lines later, "ByteCode = N bytes".
    private static Regex LoaderByteCode(string assembly) =>
        new($@"Assembly: {Regex.Escape(assembly)} \([^\n]*\n(?:[^\n]*\n)*?\s*ByteCode\s*=\s*(\d+) bytes");
}
