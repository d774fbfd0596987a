using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Edge.Cli.Tests;

/// <summary>
/// edgectl is async all the way: every action that calls the API or a board is an async action
/// (System.CommandLine's <c>SetAction(async (parsed, cancel) =&gt; ...)</c>) that awaits, so no source
/// of host-tools/Edge.Cli blocks on a task: no <c>.GetAwaiter().GetResult()</c>, no <c>.Result</c> of a
/// Task or ValueTask, no <c>.Wait()</c>, <c>Task.WaitAll</c> or <c>Task.WaitAny</c>. The sources are
/// compiled here with Roslyn and each call bound as the compiler binds it, so a property that happens
/// to be called Result (MatrixCell.Result) is not taken for a task's. Where a synchronous API forces
/// a wait, the file is listed in <see cref="Allowed"/> with the reason, which its code says too.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class NoSyncOverAsyncTests
{
    /// <summary>The waits a synchronous API forces: the file (under host-tools/Edge.Cli), how many, and why.</summary>
    private static readonly Dictionary<string, (int Count, string Why)> Allowed = new()
    {
        ["Commands/Resources/ClusterCompletions.cs"] = (1, "System.CommandLine asks a completion source for its items synchronously"),
    };

    [Fact]
    public void No_source_of_edgectl_blocks_on_a_task()
    {
        string root = RepoPaths.Of("host-tools", "Edge.Cli");
        List<string> files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)[0] is not ("obj" or "bin"))
            .ToList();

        CSharpCompilation compilation = TaskWaits.Compile(files);
        // Bound in full, or a wait on a type it could not resolve would go unseen. Only the partial
        // methods a source generator fills in ([GeneratedRegex]) are left without a body here.
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795").Select(d => d.ToString()));

        var offenders = new List<string>();
        foreach (IGrouping<string, TaskWait> file in TaskWaits.Find(compilation).GroupBy(w => Path.GetRelativePath(root, w.Path).Replace('\\', '/')))
        {
            if (Allowed.TryGetValue(file.Key, out var allowed) && file.Count() == allowed.Count)
            {
                continue;
            }

            offenders.AddRange(file.Select(w => $"host-tools/Edge.Cli/{file.Key}:{w.Line}: {w.What}"));
        }

        Assert.True(offenders.Count == 0,
            "edgectl blocks on a task here; await it instead (the action is async: SetAction(async (parsed, cancel) => ...), "
            + "and a helper it calls becomes async Task<...> ...Async), or, where a synchronous API forces the wait, "
            + "say why in a comment there and in NoSyncOverAsyncTests.Allowed:\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData("Task.Delay(1).GetAwaiter().GetResult();", "GetResult() of TaskAwaiter")]
    [InlineData("Task.FromResult(1).ConfigureAwait(false).GetAwaiter().GetResult();", "GetResult() of ConfiguredTaskAwaiter")]
    [InlineData("new ValueTask<int>(1).GetAwaiter().GetResult();", "GetResult() of ValueTaskAwaiter")]
    [InlineData("Task.Delay(1).Wait();", "Wait() of Task")]
    [InlineData("Task.Delay(1).Wait(TimeSpan.FromSeconds(1));", "Wait() of Task")]
    [InlineData("Task.WaitAll(Task.Delay(1), Task.Delay(2));", "WaitAll() of Task")]
    [InlineData("Task.WaitAny(Task.Delay(1));", "WaitAny() of Task")]
    [InlineData("int n = Task.FromResult(1).Result;", ".Result of Task")]
    [InlineData("Task<string> read = new StringReader(\"x\").ReadToEndAsync(); string s = read.Result;", ".Result of Task")]
    [InlineData("int n = new ValueTask<int>(1).Result;", ".Result of ValueTask")]
    [InlineData("Task<int>? maybe = null; int? n = maybe?.Result;", ".Result of Task")]
    public void The_scan_finds_every_way_of_blocking_on_a_task(string statement, string what)
    {
        CSharpCompilation compilation = Snippet(statement);

        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal([what], TaskWaits.Find(compilation).Select(w => w.What));
    }

    [Fact]
    public void Awaiting_and_a_property_of_another_type_called_Result_are_not_waits()
    {
        CSharpCompilation compilation = Snippet("""
            int a = await Task.FromResult(1);
            string b = await new StringReader("x").ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(1));
            int c = new Cell(2).Result;
            var semaphore = new SemaphoreSlim(1);
            semaphore.Wait();
            """);

        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(TaskWaits.Find(compilation));
    }

    private static CSharpCompilation Snippet(string statements) => TaskWaits.Compile(source: $$"""
        public record Cell(int Result);

        public static class Probe
        {
            public static async Task Run()
            {
                {{statements}}
                await Task.Yield();
            }
        }
        """);
}

/// <summary>One place a source blocks on a task: its file, its line and what it calls.</summary>
public sealed record TaskWait(string Path, int Line, string What);

/// <summary>Compiles C# as Edge.Cli is built (its implicit usings, the assemblies it references) and finds where it blocks on a task.</summary>
public static class TaskWaits
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    /// <summary>Edge.Cli's implicit usings (an SDK console project's).</summary>
    private static readonly SyntaxTree ImplicitUsings = CSharpSyntaxTree.ParseText("""
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """, Parse);

    /// <summary>What this test runs against: the framework and every assembly edgectl references, but not edgectl itself (its sources are compiled instead).</summary>
    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is not ("edgectl.dll" or "Edge.Cli.Tests.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    public static CSharpCompilation Compile(IEnumerable<string> files) =>
        Compile(files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Parse, f)));

    public static CSharpCompilation Compile(string source) => Compile([CSharpSyntaxTree.ParseText(source, Parse, "Probe.cs")]);

    private static CSharpCompilation Compile(IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create("edgectl", [ImplicitUsings, .. trees], References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static IEnumerable<TaskWait> Find(CSharpCompilation compilation)
    {
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                string? what = node switch
                {
                    InvocationExpressionSyntax call => Blocking(model.GetSymbolInfo(call).Symbol as IMethodSymbol),
                    MemberAccessExpressionSyntax { Name.Identifier.Text: "Result" } access => Blocking(model.GetSymbolInfo(access).Symbol as IPropertySymbol),
                    MemberBindingExpressionSyntax { Name.Identifier.Text: "Result" } binding => Blocking(model.GetSymbolInfo(binding).Symbol as IPropertySymbol),
                    _ => null,
                };
                if (what != null)
                {
                    yield return new TaskWait(tree.FilePath, node.GetLocation().GetLineSpan().StartLinePosition.Line + 1, what);
                }
            }
        }
    }

    /// <summary>An awaiter's GetResult(), or Task's Wait(), WaitAll() or WaitAny().</summary>
    private static string? Blocking(IMethodSymbol? method)
    {
        if (method == null)
        {
            return null;
        }

        INamedTypeSymbol type = method.ContainingType.OriginalDefinition;
        if (method.Name == "GetResult" && type.Name.EndsWith("Awaiter", StringComparison.Ordinal) && InNamespace(type, "System.Runtime.CompilerServices"))
        {
            return $"GetResult() of {type.Name}";
        }

        return method.Name is "Wait" or "WaitAll" or "WaitAny" && type.Name == "Task" && InNamespace(type, "System.Threading.Tasks")
            ? $"{method.Name}() of Task"
            : null;
    }

    /// <summary>Task&lt;T&gt;.Result or ValueTask&lt;T&gt;.Result.</summary>
    private static string? Blocking(IPropertySymbol? property)
    {
        INamedTypeSymbol? type = property?.ContainingType.OriginalDefinition;
        return type is { Name: "Task" or "ValueTask", Arity: 1 } && InNamespace(type, "System.Threading.Tasks") ? $".Result of {type.Name}" : null;
    }

    private static bool InNamespace(INamedTypeSymbol type, string ns) => type.ContainingNamespace.ToDisplayString() == ns;
}
