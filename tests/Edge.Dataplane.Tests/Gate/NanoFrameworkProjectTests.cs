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

    public static TheoryData<string> DataplaneAssemblies() => new(NfCompiler.DataplaneAssemblies);

    [Theory]
    [MemberData(nameof(DataplaneAssemblies))]
    public void Every_dataplane_assembly_has_a_nanoFramework_project_with_the_same_references_as_its_net_project(string assembly)
    {
        string dir = RepoPaths.Of("firmware", assembly);
        XDocument nfproj = XDocument.Load(Path.Combine(dir, assembly + ".nfproj"));
        XDocument csproj = XDocument.Load(Path.Combine(dir, assembly + ".csproj"));
        XDocument gate = XDocument.Load(RepoPaths.Of("firmware", "nf-gate", assembly["Edge.Dataplane.".Length..], assembly + ".NfGate.csproj"));
        static string[] Referenced(XDocument d, string suffix) => d.Descendants().Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => Path.GetFileName(((string)e.Attribute("Include")!).Replace('\\', '/')))
            .Select(f => f[..^suffix.Length]).Order().ToArray();

        Assert.Equal(assembly, nfproj.Descendants(Msb + "AssemblyName").Single().Value);
        Assert.Equal(Referenced(csproj, ".csproj"), Referenced(nfproj, ".nfproj"));
        Assert.Equal(Referenced(csproj, ".csproj"), Referenced(gate, ".NfGate.csproj"));
    }

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
    public void Lists_exactly_the_source_files_of_its_folder_and_of_the_folder_it_shares(string project)
    {
        string dir = Path.GetDirectoryName(RepoPaths.Of(project))!;
        XDocument doc = XDocument.Load(RepoPaths.Of(project));
        var listed = doc.Descendants(Msb + "Compile").Select(c => ((string)c.Attribute("Include")!).Replace('\\', '/')).Order().ToList();
        var expected = SourcesOf(dir, []).ToList();
        if (doc.Descendants(Msb + "EdgeSharedSources").SingleOrDefault()?.Value is { } shared)
        {
            string[] except = (doc.Descendants(Msb + "EdgeSharedExcept").SingleOrDefault()?.Value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
            string sharedDir = Path.GetFullPath(Path.Combine(dir, shared.Replace('\\', '/')));
            expected.AddRange(SourcesOf(sharedDir, except).Select(f => shared.Replace('\\', '/') + "/" + f));
        }

        expected.Sort(StringComparer.Ordinal);
        listed.Sort(StringComparer.Ordinal);
        Assert.True(expected.SequenceEqual(listed),
            $"{project}: not listed: [{string.Join(", ", expected.Except(listed))}]; listed but missing: [{string.Join(", ", listed.Except(expected))}] (python3 firmware/sync-nfproj.py)");
    }

    private static IEnumerable<string> SourcesOf(string dir, string[] exceptFolders) =>
        Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/") && !f.StartsWith("bin/") && !exceptFolders.Any(x => f.StartsWith(x + "/")));

    [Fact]
    public void The_STM32_build_is_the_ESP32_build_without_ESP32_pin_routing()
    {
        XDocument esp32 = XDocument.Load(RepoPaths.Of("firmware", "Edge.Firmware", "Edge.Firmware.nfproj"));
        XDocument stm32 = XDocument.Load(RepoPaths.Of("firmware", "Edge.Firmware.Stm32", "Edge.Firmware.Stm32.nfproj"));
        string[] References(XDocument d) => d.Descendants(Msb + "Reference").Select(r => (string)r.Attribute("Include")!).Order().ToArray();

        Assert.Equal(References(esp32).Where(r => r != "nanoFramework.Hardware.Esp32"), References(stm32));
        Assert.DoesNotContain("nanoFramework.Hardware.Esp32", File.ReadAllText(RepoPaths.Of("firmware", "Edge.Firmware.Stm32", "packages.config")));
        Assert.Equal("Esp32", stm32.Descendants(Msb + "EdgeSharedExcept").Single().Value);
        Assert.All(Directory.GetFiles(RepoPaths.Of("firmware", "Edge.Firmware"), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Esp32{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")),
            f => Assert.DoesNotContain("Hardware.Esp32", File.ReadAllText(f)));
    }

    [Fact]
    public void A_solution_lists_every_nanoFramework_project_for_nuget_restore()
    {
        string solution = File.ReadAllText(RepoPaths.Of("Edge.NanoFramework.sln"));

        Assert.All(NfProjectPaths(), p => Assert.Contains(p.Replace('/', '\\'), solution));
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
