using System.Collections.Immutable;
using Edge.NfGate.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Edge.Dataplane.Tests.Gate;

/// <summary>
/// Compiles C# the way the portability gate (firmware/nf-gate) does: against the
/// nanoFramework surface built from firmware/nf-surface, no other library, unsafe code off,
/// with the subset analyzer. Returns the errors.
/// </summary>
public static class NfCompiler
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    private static readonly Lazy<MetadataReference> Surface = new(BuildSurface);

    public static ImmutableArray<Diagnostic> Errors(IEnumerable<string> files)
    {
        SyntaxTree[] trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Parse, f)).ToArray();
        var compilation = CSharpCompilation.Create("Probe", trees, [Surface.Value],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: false));
        ImmutableArray<Diagnostic> all = compilation
            .WithAnalyzers([new NanoFrameworkSubsetAnalyzer()])
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        return all.Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
    }

    public static string[] DataplaneSources() =>
        Directory.GetFiles(RepoPaths.Of("firmware", "Edge.Dataplane"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToArray();

    private static MetadataReference BuildSurface()
    {
        string[] files = Directory.GetFiles(RepoPaths.Of("firmware", "nf-surface"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .ToArray();
        SyntaxTree[] trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Parse, f)).ToArray();
        var compilation = CSharpCompilation.Create("mscorlib", trees, [],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            throw new InvalidOperationException("nf-surface does not compile:\n" +
                string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
