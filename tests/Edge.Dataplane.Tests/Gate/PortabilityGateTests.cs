using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Edge.Dataplane.Tests.Gate;

/// <summary>
/// The portability gate must pass on the real dataplane and bite on every construct the
/// nanoFramework 1.x runtime cannot run. Each probe in firmware/nf-gate/probes is one such
/// construct; its first lines name the error the gate must give ("// expect: CS0234").
/// </summary>
[Trait("Category", Category.Firmware)]
public sealed partial class PortabilityGateTests
{
    public static TheoryData<string> Probes()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(RepoPaths.Of("firmware", "nf-gate", "probes"), "*.cs").Order())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void Every_dataplane_assembly_compiles_against_nanoFrameworks_mscorlib_and_the_layers_below_it()
    {
        var errors = NfCompiler.DataplaneErrors();

        Assert.Equal(NfCompiler.DataplaneAssemblies, errors.Keys);
        Assert.All(errors, e => Assert.True(e.Value.IsEmpty, $"{e.Key} left the nanoFramework subset:\n" + string.Join("\n", e.Value)));
    }

    [Theory]
    [MemberData(nameof(Probes))]
    public void A_forbidden_construct_fails_the_gate_with_its_error(string probe)
    {
        string path = RepoPaths.Of("firmware", "nf-gate", "probes", probe);
        string expected = ExpectedError(path);

        var errors = NfCompiler.Errors([path]);

        Assert.True(errors.Any(e => e.Id == expected),
            $"{probe}: expected {expected}, got:\n" + (errors.IsEmpty ? "(no errors: the gate let it through)" : string.Join("\n", errors)));
    }

    [Fact]
    public void The_gate_covers_what_NANOFRAMEWORK_md_forbids()
    {
        string[] probes = Directory.GetFiles(RepoPaths.Of("firmware", "nf-gate", "probes"), "*.cs").Select(Path.GetFileName).ToArray()!;

        foreach (string construct in new[]
        {
            "list-of-t", "linq", "span", "async", "tuple", "record", "generic-class", "generic-method",
            "nullable-value", "multidimensional-array", "default-interface-method", "stackalloc", "unsafe",
            "encoding-ascii", "string-join", "string-replace", "func-delegate", "index-range", "utf8-literal",
            "iterator", "anonymous-type", "datetimeoffset", "console-readline", "arraylist-sort",
            "array-reverse", "dynamic",
        })
        {
            Assert.Contains(construct + ".cs", probes);
        }
    }

    private static string ExpectedError(string path)
    {
        Match match = ExpectLine().Match(File.ReadAllText(path));
        Assert.True(match.Success, $"{Path.GetFileName(path)} has no '// expect: ID' line");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"^// expect: (\w+)", RegexOptions.Multiline)]
    private static partial Regex ExpectLine();
}
