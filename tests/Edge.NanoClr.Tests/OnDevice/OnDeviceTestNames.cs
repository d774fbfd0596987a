using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Edge.NanoClr.Tests.OnDevice;

/// <summary>
/// The on-device tests by the names the UnitTestLauncher reports them under, read from their
/// sources (so xUnit knows them before nanoCLR runs): namespace.class.method.row for every
/// [Setup], [TestMethod] and [Cleanup] method of a [TestClass], one row per [DataRow] (row 0
/// for a method without).
/// </summary>
public static class OnDeviceTestNames
{
    public static string[] Sources() =>
        Directory.GetFiles(RepoPaths.Of("tests", "Edge.Dataplane.NfTests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Whether a source is shared by the tests (the simulation in Sim/, golden frames in Golden/), not a test.</summary>
    public static bool IsShared(string file) =>
        file.Contains($"{Path.DirectorySeparatorChar}Sim{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || file.Contains($"{Path.DirectorySeparatorChar}Golden{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    public static IEnumerable<string> All() => In(Sources());

    /// <summary>The tests of these sources.</summary>
    public static IEnumerable<string> In(IEnumerable<string> files)
    {
        foreach (string file in files)
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetCompilationUnitRoot();
            foreach (ClassDeclarationSyntax type in root.DescendantNodes().OfType<ClassDeclarationSyntax>().Where(c => Has(c.AttributeLists, "TestClass")))
            {
                string ns = string.Join('.', type.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse().Select(n => n.Name.ToString()));
                foreach (MethodDeclarationSyntax method in type.Members.OfType<MethodDeclarationSyntax>()
                    .Where(m => Has(m.AttributeLists, "TestMethod") || Has(m.AttributeLists, "Setup") || Has(m.AttributeLists, "Cleanup")))
                {
                    int rows = Math.Max(1, method.AttributeLists.SelectMany(l => l.Attributes).Count(a => Named(a, "DataRow")));
                    for (int row = 0; row < rows; row++)
                    {
                        yield return $"{ns}.{type.Identifier.Text}.{method.Identifier.Text}.{row}";
                    }
                }
            }
        }
    }

    private static bool Has(SyntaxList<AttributeListSyntax> lists, string name) =>
        lists.SelectMany(l => l.Attributes).Any(a => Named(a, name));

    private static bool Named(AttributeSyntax attribute, string name)
    {
        string written = attribute.Name.ToString();
        written = written[(written.LastIndexOf('.') + 1)..];
        return written == name || written == name + "Attribute";
    }
}
