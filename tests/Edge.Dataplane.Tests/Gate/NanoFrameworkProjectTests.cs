using System.Xml.Linq;

namespace Edge.Dataplane.Tests.Gate;

/// <summary>
/// The .nfproj files cannot be built here (no nanoFramework toolchain), so their form is
/// checked instead: they list every source file, take package versions from
/// nfproj-settings, and agree with their packages.config.
/// </summary>
[Trait("Category", Category.Firmware)]
public sealed class NanoFrameworkProjectTests
{
    private static readonly XNamespace Msb = "http://schemas.microsoft.com/developer/msbuild/2003";
    private const string NanoFrameworkProjectType = "{11A8DD76-328B-46DF-9F39-F559912D0360}";

    private static string[] NfProjectPaths() =>
        Directory.GetFiles(RepoPaths.Root, "*.nfproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(p => Path.GetRelativePath(RepoPaths.Root, p))
            .Order().ToArray();

    public static TheoryData<string> NfProjects() => new(NfProjectPaths());

    [Fact]
    public void The_dataplane_has_a_nanoFramework_project() =>
        Assert.Contains(Path.Combine("firmware", "Edge.Dataplane", "Edge.Dataplane.nfproj"), NfProjectPaths());

    [Theory]
    [MemberData(nameof(NfProjects))]
    public void Is_a_nanoFramework_project_importing_the_shared_settings(string project)
    {
        XDocument doc = XDocument.Load(RepoPaths.Of(project));

        Assert.Contains(NanoFrameworkProjectType, doc.Descendants(Msb + "ProjectTypeGuids").Single().Value);
        Assert.Contains(doc.Descendants(Msb + "Import"), i => ((string?)i.Attribute("Project") ?? "").EndsWith(@"nfproj-settings\Edge.NanoFramework.props"));
        Assert.Contains(doc.Descendants(Msb + "Import"), i => ((string?)i.Attribute("Project") ?? "").EndsWith("NFProjectSystem.CSharp.targets"));
    }

    [Theory]
    [MemberData(nameof(NfProjects))]
    public void Lists_exactly_the_source_files_of_its_folder(string project)
    {
        string dir = Path.GetDirectoryName(RepoPaths.Of(project))!;
        XDocument doc = XDocument.Load(RepoPaths.Of(project));
        var listed = doc.Descendants(Msb + "Compile").Select(c => ((string)c.Attribute("Include")!).Replace('\\', '/')).Order().ToList();
        var onDisk = Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/") && !f.StartsWith("bin/"))
            .Order().ToList();

        Assert.True(onDisk.SequenceEqual(listed),
            $"{project}: not listed: [{string.Join(", ", onDisk.Except(listed))}]; listed but missing: [{string.Join(", ", listed.Except(onDisk))}]");
    }

    [Theory]
    [MemberData(nameof(NfProjects))]
    public void Package_versions_agree_between_packages_config_and_nfproj_settings(string project)
    {
        Dictionary<string, string> versions = XDocument.Load(RepoPaths.Of("nfproj-settings", "Edge.NanoFramework.props"))
            .Descendants(Msb + "PropertyGroup").Elements()
            .Where(e => e.Name.LocalName.StartsWith("Nf") && e.Name.LocalName.EndsWith("Version"))
            .ToDictionary(e => e.Name.LocalName, e => e.Value);
        string packagesConfig = Path.Combine(Path.GetDirectoryName(RepoPaths.Of(project))!, "packages.config");
        var packages = XDocument.Load(packagesConfig).Descendants("package")
            .ToDictionary(p => (string)p.Attribute("id")!, p => (string)p.Attribute("version")!);

        foreach (XElement hint in XDocument.Load(RepoPaths.Of(project)).Descendants(Msb + "HintPath"))
        {
            // $(NfPackagesDir)<id>.$(<VersionProperty>)\lib\<assembly>.dll (or .exe: the test launcher)
            var match = System.Text.RegularExpressions.Regex.Match(hint.Value, @"^\$\(NfPackagesDir\)(?<id>[\w.]+)\.\$\((?<prop>\w+)\)\\lib\\[\w.]+\.(dll|exe)$");
            Assert.True(match.Success, $"{project}: HintPath '{hint.Value}' does not take its version from nfproj-settings");
            string id = match.Groups["id"].Value;
            string property = match.Groups["prop"].Value;
            Assert.True(versions.ContainsKey(property), $"{project}: {property} is not defined in Edge.NanoFramework.props");
            Assert.True(packages.ContainsKey(id), $"{project}: references {id} but its packages.config does not");
            Assert.Equal(versions[property], packages[id]);
        }

        Assert.All(packages, p => Assert.Equal("netnano1.0", XDocument.Load(packagesConfig).Descendants("package")
            .Single(e => (string)e.Attribute("id")! == p.Key).Attribute("targetFramework")!.Value));
    }
}
