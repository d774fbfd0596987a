using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Edge.NanoClr;

/// <summary>
/// Compiles C# for nanoFramework in process, as the boards' toolchain does: against the real
/// mscorlib and the given assemblies only, optimized (what a board runs).
/// </summary>
public static class NanoCompiler
{
    /// <summary>Compiles a library; with <paramref name="executable"/>, a program whose Main nanoCLR runs.</summary>
    public static string Compile(string assemblyName, IEnumerable<string> sources, IEnumerable<string> references, string outputDirectory, bool executable = false)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        SyntaxTree[] trees = sources.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, f)).ToArray();
        MetadataReference[] refs = new[] { NanoClrToolchain.CoreLibrary("mscorlib.dll") }.Concat(references)
            .Select(r => (MetadataReference)MetadataReference.CreateFromFile(r)).ToArray();
        var compilation = CSharpCompilation.Create(assemblyName, trees, refs,
            new CSharpCompilationOptions(executable ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, deterministic: true));

        string dll = Path.Combine(outputDirectory, assemblyName + (executable ? ".exe" : ".dll"));
        using (FileStream file = File.Create(dll))
        {
            var result = compilation.Emit(file);
            if (!result.Success)
            {
                throw new InvalidOperationException($"{assemblyName} does not compile for nanoFramework:\n" +
                    string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10)));
            }
        }

        return dll;
    }
}
