using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Edge.NfGate.Analyzers;

/// <summary>
/// Reports, as errors, C# that compiles against the nanoFramework surface but fails on the
/// 1.x runtime. Most of the subset is enforced by the surface itself (no List&lt;T&gt;, Task,
/// Span, ValueTuple, Nullable&lt;T&gt; there, so using them is a compiler error); what remains
/// are language features that need no library type:
/// <list type="bullet">
/// <item>NF0001 generic type, method, delegate or local function declarations (the runtime
///   crashes loading the assembly);</item>
/// <item>NF0002 multidimensional arrays (the metadata processor breaks on them);</item>
/// <item>NF0003 interface members with bodies (default interface methods throw at run time);</item>
/// <item>NF0004 anonymous types (compiled to generic classes);</item>
/// <item>NF0005 iterators (yield).</item>
/// </list>
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NanoFrameworkSubsetAnalyzer : DiagnosticAnalyzer
{
    private const string Category = "nanoFramework";
    private const string Help = " (nanoFramework 1.x; see shared/design/NANOFRAMEWORK.md)";

    public static readonly DiagnosticDescriptor Generic = Rule("NF0001",
        "Generic declaration",
        "'{0}' declares type parameters; the nanoFramework 1.x runtime cannot load generic code" + Help);

    public static readonly DiagnosticDescriptor MultidimensionalArray = Rule("NF0002",
        "Multidimensional array",
        "Multidimensional arrays break the nanoFramework metadata processor; use a jagged array or index arithmetic" + Help);

    public static readonly DiagnosticDescriptor DefaultInterfaceMember = Rule("NF0003",
        "Default interface member",
        "Interface member '{0}' has a body; default interface methods throw on nanoFramework" + Help);

    public static readonly DiagnosticDescriptor AnonymousType = Rule("NF0004",
        "Anonymous type",
        "Anonymous types compile to generic classes, which nanoFramework 1.x cannot load; declare a class" + Help);

    public static readonly DiagnosticDescriptor Iterator = Rule("NF0005",
        "Iterator",
        "'yield' makes a compiler-generated generic enumerator; return an array or write an IEnumerator class" + Help);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Generic, MultidimensionalArray, DefaultInterfaceMember, AnonymousType, Iterator);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxNodeAction(ReportTypeParameters, SyntaxKind.TypeParameterList);
        context.RegisterSyntaxNodeAction(ReportRank, SyntaxKind.ArrayRankSpecifier);
        context.RegisterSyntaxNodeAction(ReportInterfaceBody,
            SyntaxKind.MethodDeclaration, SyntaxKind.PropertyDeclaration, SyntaxKind.IndexerDeclaration,
            SyntaxKind.EventDeclaration, SyntaxKind.OperatorDeclaration);
        context.RegisterSyntaxNodeAction(
            c => c.ReportDiagnostic(Diagnostic.Create(AnonymousType, c.Node.GetLocation())),
            SyntaxKind.AnonymousObjectCreationExpression);
        context.RegisterSyntaxNodeAction(
            c => c.ReportDiagnostic(Diagnostic.Create(Iterator, c.Node.GetLocation())),
            SyntaxKind.YieldReturnStatement, SyntaxKind.YieldBreakStatement);
    }

    private static void ReportTypeParameters(SyntaxNodeAnalysisContext context)
    {
        SyntaxNode? owner = context.Node.Parent;
        string name = owner switch
        {
            BaseTypeDeclarationSyntax type => type.Identifier.Text,
            MethodDeclarationSyntax method => method.Identifier.Text,
            DelegateDeclarationSyntax del => del.Identifier.Text,
            LocalFunctionStatementSyntax local => local.Identifier.Text,
            _ => owner?.ToString() ?? "?",
        };
        context.ReportDiagnostic(Diagnostic.Create(Generic, context.Node.GetLocation(), name));
    }

    private static void ReportRank(SyntaxNodeAnalysisContext context)
    {
        if (((ArrayRankSpecifierSyntax)context.Node).Rank > 1)
        {
            context.ReportDiagnostic(Diagnostic.Create(MultidimensionalArray, context.Node.GetLocation()));
        }
    }

    private static void ReportInterfaceBody(SyntaxNodeAnalysisContext context)
    {
        if (context.Node.Parent is not InterfaceDeclarationSyntax)
        {
            return;
        }

        bool hasBody = context.Node switch
        {
            MethodDeclarationSyntax m => m.Body != null || m.ExpressionBody != null,
            OperatorDeclarationSyntax o => o.Body != null || o.ExpressionBody != null,
            PropertyDeclarationSyntax p => p.ExpressionBody != null || HasAccessorBody(p.AccessorList),
            IndexerDeclarationSyntax i => i.ExpressionBody != null || HasAccessorBody(i.AccessorList),
            EventDeclarationSyntax e => HasAccessorBody(e.AccessorList),
            _ => false,
        };
        if (hasBody)
        {
            string name = context.Node switch
            {
                MethodDeclarationSyntax m => m.Identifier.Text,
                PropertyDeclarationSyntax p => p.Identifier.Text,
                EventDeclarationSyntax e => e.Identifier.Text,
                _ => "this[]",
            };
            context.ReportDiagnostic(Diagnostic.Create(DefaultInterfaceMember, context.Node.GetLocation(), name));
        }
    }

    private static bool HasAccessorBody(AccessorListSyntax? accessors)
    {
        if (accessors == null)
        {
            return false;
        }

        foreach (AccessorDeclarationSyntax accessor in accessors.Accessors)
        {
            if (accessor.Body != null || accessor.ExpressionBody != null)
            {
                return true;
            }
        }

        return false;
    }

    private static DiagnosticDescriptor Rule(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
