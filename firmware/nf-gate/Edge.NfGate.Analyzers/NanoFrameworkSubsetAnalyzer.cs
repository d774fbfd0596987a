using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Edge.NfGate.Analyzers;

/// <summary>
/// Reports, as errors, C# that compiles against nanoFramework's real mscorlib but fails on the
/// 1.x runtime. Much of the subset is enforced by mscorlib itself (no List&lt;T&gt;, Task, Span,
/// ValueTuple, Nullable&lt;T&gt; there, so using them is a compiler error); what remains are
/// language features that need no library type, and the generic delegates mscorlib does have:
/// <list type="bullet">
/// <item>NF0001 generic type, method, delegate or local function declarations (the runtime
///   crashes loading the assembly);</item>
/// <item>NF0002 multidimensional arrays (the metadata processor breaks on them);</item>
/// <item>NF0003 interface members with bodies (default interface methods throw at run time);</item>
/// <item>NF0004 anonymous types (compiled to generic classes);</item>
/// <item>NF0005 iterators (yield);</item>
/// <item>NF0006 uses of generic types and methods: mscorlib 1.17 declares Func&lt;&gt;, Action&lt;&gt;
///   and EventHandler&lt;T&gt;, and code using them compiles and converts, then crashes the loader
///   or misbehaves on nanoCLR (measured).</item>
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

    public static readonly DiagnosticDescriptor GenericUse = Rule("NF0006",
        "Generic type or method used",
        "'{0}' is generic; the nanoFramework 1.x runtime cannot run generic code (declare a non-generic delegate or type)" + Help);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Generic, MultidimensionalArray, DefaultInterfaceMember, AnonymousType, Iterator, GenericUse);

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
        context.RegisterSyntaxNodeAction(
            c => c.ReportDiagnostic(Diagnostic.Create(GenericUse, c.Node.GetLocation(), c.Node.ToString())),
            SyntaxKind.GenericName);
        context.RegisterOperationAction(ReportInferredGenericCall, OperationKind.Invocation);
        context.RegisterOperationAction(ReportGenericDelegate, OperationKind.DelegateCreation);
    }

    // A generic method called without type arguments (inferred), or a method of a generic type.
    private static void ReportInferredGenericCall(OperationAnalysisContext context)
    {
        IMethodSymbol method = ((IInvocationOperation)context.Operation).TargetMethod;
        if (method.IsGenericMethod || method.ContainingType is { IsGenericType: true })
        {
            context.ReportDiagnostic(Diagnostic.Create(GenericUse, context.Operation.Syntax.GetLocation(), method.ToDisplayString()));
        }
    }

    // A lambda or method group turned into a generic delegate whose type is never spelled out (var, a parameter).
    private static void ReportGenericDelegate(OperationAnalysisContext context)
    {
        if (context.Operation.Type is INamedTypeSymbol { IsGenericType: true } type)
        {
            context.ReportDiagnostic(Diagnostic.Create(GenericUse, context.Operation.Syntax.GetLocation(), type.ToDisplayString()));
        }
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
