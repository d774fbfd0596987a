using System.Reflection;

namespace Edge.NanoClr;

/// <summary>
/// Where the nanoFramework toolchain is: the nanoCLR interpreter built from nf-interpreter's
/// POSIX host (bin/x64, and bin/x86 for a board's 32-bit heap), the metadata processor
/// (mdp/mdp.dll) and the test framework with its launcher (lib/). Looked for at
/// $EDGE_NANOCLR_HOME when it is set (and only there), else in shared/nanoclr beside this
/// repository or above it, then in $EDGE_HOME/nanoclr (default ~/.local/share/edge/nanoclr),
/// where tools/nanoclr/build.sh puts the one it builds from the public nanoFramework
/// repositories (it needs network access to GitHub and NuGet, cmake, ninja, g++,
/// g++-multilib and the .NET SDK; see tools/nanoclr/README.md). mscorlib comes from the NuGet
/// package nanoFramework.CoreLibrary.
/// </summary>
public sealed class NanoClrToolchain
{
    public const string HowToGetOne =
        "run tools/nanoclr/build.sh to build one into $EDGE_HOME/nanoclr, default ~/.local/share/edge/nanoclr (it needs network access to GitHub and NuGet, " +
        "git, cmake, ninja, g++, g++-multilib, python3 and the .NET SDK; it checks for them first), " +
        "or point EDGE_NANOCLR_HOME at a nanoCLR toolchain (bin/x64 and bin/x86 interpreters, mdp/mdp.dll, lib/ with the test framework)";

    private NanoClrToolchain(string home)
    {
        Home = home;
    }

    public string Home { get; }

    public string Mdp => Path.Combine(Home, "mdp", "mdp.dll");

    public string Interpreter(bool x86) => Path.Combine(Home, "bin", x86 ? "x86" : "x64", "nanoFramework.nanoCLR.test");

    /// <summary>A library of the toolchain (nanoFramework.TestFramework, nanoFramework.UnitTestLauncher, nanoFramework.Runtime.Native): its .dll or .exe.</summary>
    public string Library(string name) =>
        File.Exists(Path.Combine(Home, "lib", name + ".dll")) ? Path.Combine(Home, "lib", name + ".dll") : Path.Combine(Home, "lib", name + ".exe");

    /// <summary>The real mscorlib (dll and pe), from the NuGet package this project restores.</summary>
    public static string CoreLibrary(string file) => Path.Combine(Metadata("NanoFrameworkCoreLibrary"), file);

    /// <summary>Where the build put the dataplane's nanoFramework assemblies (firmware/nf-gate).</summary>
    public static string Build(string file) => Path.Combine(Metadata("NanoFrameworkBuild"), file);

    private static readonly Lazy<(NanoClrToolchain? Found, string Why)> Located = new(Locate);

    /// <summary>The toolchain, or null with <see cref="Missing"/> saying why.</summary>
    public static NanoClrToolchain? Find() => Located.Value.Found;

    public static string Missing => Located.Value.Why;

    private static (NanoClrToolchain?, string) Locate()
    {
        var candidates = new List<string>();
        string? configured = Environment.GetEnvironmentVariable("EDGE_NANOCLR_HOME");
        if (!string.IsNullOrEmpty(configured))
        {
            candidates.Add(configured);
        }
        else
        {
            AddDefaults(candidates);
        }

        foreach (string home in candidates)
        {
            var toolchain = new NanoClrToolchain(Path.GetFullPath(home));
            if (File.Exists(toolchain.Interpreter(false)) && File.Exists(toolchain.Mdp)
                && File.Exists(toolchain.Library("nanoFramework.UnitTestLauncher")))
            {
                return (toolchain, "");
            }
        }

        return (null, $"no nanoCLR toolchain (looked in {string.Join(", ", candidates)}): {HowToGetOne}");
    }

    private static void AddDefaults(List<string> candidates)
    {
        for (DirectoryInfo? dir = new DirectoryInfo(Metadata("RepositoryRoot")).Parent; dir != null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, "shared", "nanoclr"));
        }

        string edgeHome = Environment.GetEnvironmentVariable("EDGE_HOME")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "edge");
        candidates.Add(Path.Combine(edgeHome, "nanoclr"));
    }

    private static string Metadata(string key) =>
        typeof(NanoClrToolchain).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
