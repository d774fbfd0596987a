using Edge.NanoClr.Tests.OnDevice;
using Edge.NanoClr;

namespace Edge.NanoClr.Tests;

/// <summary>
/// What the NanoClr tests share, made once per run: the dataplane's nanoFramework assemblies
/// converted by the metadata processor, and one run of the on-device tests on nanoCLR. Each is
/// made when first asked for; a failure to make it fails every test that needs it, with the
/// reason. The work directory is removed at the end.
/// </summary>
public sealed class NanoClrSession : IDisposable
{
    /// <summary>The dataplane's assemblies, lowest layer first (the order nanoCLR is given them).</summary>
    public static readonly string[] DataplaneAssemblies = ["Edge.Dataplane.Net", "Edge.Dataplane.Proxy", "Edge.Dataplane.Policy", "Edge.Dataplane.Ingress", "Edge.Dataplane.Dns", "Edge.Dataplane.Agent"];

    private readonly string _work = Directory.CreateTempSubdirectory("edge-nanoclr-").FullName;
    private readonly Lazy<NanoAssembly[]> _dataplane;
    private readonly Lazy<OnDeviceRun> _onDevice;

    public NanoClrSession()
    {
        _dataplane = new Lazy<NanoAssembly[]>(ConvertDataplane);
        _onDevice = new Lazy<OnDeviceRun>(() => OnDeviceRun.Start(this));
    }

    public static NanoClrToolchain Toolchain => NanoClrToolchain.Find() ?? throw new InvalidOperationException(NanoClrToolchain.Missing);

    public string WorkDirectory => _work;

    /// <summary>The dataplane converted for nanoCLR, lowest layer first.</summary>
    public IReadOnlyList<NanoAssembly> Dataplane => _dataplane.Value;

    /// <summary>The on-device tests (tests/Edge.Dataplane.NfTests), run once on the 64-bit interpreter.</summary>
    public OnDeviceRun OnDevice => _onDevice.Value;

    /// <summary>mscorlib's image first, then the dataplane's: what every program on nanoCLR here loads.</summary>
    public IEnumerable<string> CoreImages() =>
        new[] { NanoClrToolchain.CoreLibrary("mscorlib.pe") }.Concat(Dataplane.Select(a => a.Pe));

    private NanoAssembly[] ConvertDataplane()
    {
        NanoClrToolchain toolchain = Toolchain;
        var done = new List<NanoAssembly>();
        foreach (string name in DataplaneAssemblies)
        {
            string dll = NanoClrToolchain.Build(name + ".dll");
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException($"{dll} is missing: build the solution first (dotnet build Edge.sln builds firmware/nf-gate)");
            }

            string[] references = new[] { NanoClrToolchain.CoreLibrary("mscorlib.dll") }.Concat(done.Select(a => a.Dll)).ToArray();
            done.Add(new NanoAssembly(name, dll, MetadataProcessor.Convert(toolchain, dll, references, _work)));
        }

        return done.ToArray();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an interpreter being killed: the temp directory is the OS's to clear.
        }
    }
}

/// <summary>One assembly in both forms: the .NET assembly compiled against mscorlib 1.x, and nanoCLR's image of it.</summary>
public sealed record NanoAssembly(string Name, string Dll, string Pe);

[CollectionDefinition(Name)]
public sealed class NanoClrCollection : ICollectionFixture<NanoClrSession>
{
    public const string Name = "nanoCLR";
}
