namespace Edge.Tests;

/// <summary>
/// The test kinds, one per <c>[Trait("Category", ...)]</c> value, so each kind runs alone:
/// <c>dotnet test --filter Category=Interop</c>.
/// </summary>
public static class Category
{
    /// <summary>One layer, in process, no I/O.</summary>
    public const string Unit = "Unit";

    /// <summary>Many nodes in one process on a virtual clock with injected faults.</summary>
    public const string Simulation = "Simulation";

    /// <summary>Against real peers no one here wrote: the Linux kernel, dig, curl, tshark, scapy.</summary>
    public const string Interop = "Interop";

    /// <summary>Board budgets, profiles and the nanoFramework portability gate.</summary>
    public const string Firmware = "Firmware";

    /// <summary>The virtual-board lab driven through edgectl.</summary>
    public const string EndToEnd = "EndToEnd";

    /// <summary>On the real board runtime: the nanoCLR interpreter, with assemblies the metadata processor converted.</summary>
    public const string NanoClr = "NanoClr";

    public static readonly string[] All = { Unit, Simulation, Interop, Firmware, EndToEnd, NanoClr };
}
