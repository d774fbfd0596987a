using System.Collections.Immutable;
using System.Reflection;
using Edge.NfGate.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Edge.Dataplane.Tests.Gate;

/// <summary>
/// Compiles C# the way the portability gate (firmware/nf-gate) does: against nanoFramework's
/// real mscorlib (the NuGet package nanoFramework.CoreLibrary), no other library, unsafe code
/// off, with the subset analyzer. Returns the errors.
/// </summary>
public static class NfCompiler
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    private static readonly Lazy<MetadataReference> Mscorlib = new(() => MetadataReference.CreateFromFile(MscorlibPath));

    /// <summary>The real mscorlib.dll of nanoFramework.CoreLibrary, where NuGet restored it for this project.</summary>
    public static string MscorlibPath =>
        typeof(NfCompiler).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NanoFrameworkMscorlib").Value!;

    public static ImmutableArray<Diagnostic> Errors(IEnumerable<string> files) => Errors("Probe", files, []);

    /// <summary>
    /// Compiles the dataplane's assemblies in layer order, each against mscorlib and the ones below
    /// it, as the boards build them; returns each assembly's errors (an empty list when it compiles).
    /// </summary>
    public static Dictionary<string, ImmutableArray<Diagnostic>> DataplaneErrors()
    {
        var result = new Dictionary<string, ImmutableArray<Diagnostic>>();
        var below = new List<MetadataReference>();
        foreach (string assembly in DataplaneAssemblies)
        {
            var compilation = Compilation(assembly, SourcesOf(assembly), below);
            result[assembly] = Errors(compilation);
            using var image = new MemoryStream();
            if (compilation.Emit(image).Success)
            {
                below.Add(MetadataReference.CreateFromImage(image.ToArray()));
            }
        }

        return result;
    }

    private static ImmutableArray<Diagnostic> Errors(string name, IEnumerable<string> files, IEnumerable<MetadataReference> references) =>
        Errors(Compilation(name, files, references));

    private static CSharpCompilation Compilation(string name, IEnumerable<string> files, IEnumerable<MetadataReference> references)
    {
        SyntaxTree[] trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Parse, f)).ToArray();
        return CSharpCompilation.Create(name, trees, [Mscorlib.Value, .. references],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: false));
    }

    private static ImmutableArray<Diagnostic> Errors(CSharpCompilation compilation)
    {
        ImmutableArray<Diagnostic> all = compilation
            .WithAnalyzers([new NanoFrameworkSubsetAnalyzer()])
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        return all.Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
    }

    /// <summary>The dataplane's assemblies, lowest layer first.</summary>
    public static readonly string[] DataplaneAssemblies = ["Edge.Dataplane.Net", "Edge.Dataplane.Proxy", "Edge.Dataplane.Policy", "Edge.Dataplane.Ingress", "Edge.Dataplane.Dns", "Edge.Dataplane.Agent"];

    public static string[] SourcesOf(string assembly) =>
        Directory.GetFiles(RepoPaths.Of("firmware", assembly), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToArray();
}
