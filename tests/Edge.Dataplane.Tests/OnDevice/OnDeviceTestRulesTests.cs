using System.Reflection;
using Edge.Dataplane.NfTests.Golden;
using TestClassAttribute = nanoFramework.TestFramework.TestClassAttribute;

namespace Edge.Dataplane.Tests.OnDevice;

/// <summary>
/// What the on-device tests must keep to run the same on a board as here: the golden bytes they
/// carry in source are the golden files', and no test class holds instance state (nanoFramework's
/// UnitTestLauncher invokes every test method with a null <c>this</c>, so an instance field
/// throws NullReferenceException there while it works here), and a test uses nothing another test
/// file declares (on nanoCLR the tests run in parts, each its own assembly: what they share lives
/// in Sim/ or Golden/).
/// </summary>
[Trait("Category", Category.Firmware)]
public sealed class OnDeviceTestRulesTests
{
    private static string Golden(string file) => Path.Combine(AppContext.BaseDirectory, "Wire", "Golden", file);

    [Fact]
    public void The_golden_frames_in_source_are_the_golden_files_bytes()
    {
        var scapy = File.ReadAllLines(Golden("golden-frames.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' '))
            .ToArray();

        Assert.Equal(scapy.Select(parts => parts[0]), GoldenFrames.Names);
        for (int i = 0; i < scapy.Length; i++)
        {
            Assert.True(Convert.FromHexString(scapy[i][1]).SequenceEqual(GoldenFrames.All[i]),
                $"{scapy[i][0]} differs: run python3 tests/Edge.Dataplane.NfTests/Golden/make_golden_cs.py");
        }

        Assert.True(File.ReadAllBytes(Golden("kernel-vxlan.pcap")).SequenceEqual(GoldenFrames.KernelVxlanPcap),
            "kernel-vxlan.pcap differs: run python3 tests/Edge.Dataplane.NfTests/Golden/make_golden_cs.py");
    }

    [Fact]
    public void No_on_device_test_class_holds_instance_state()
    {
        var stateful = typeof(OnDeviceTestRulesTests).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<TestClassAttribute>() != null)
            .SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Select(f => $"{t.Name}.{f.Name}"))
            .ToArray();

        Assert.True(stateful.Length == 0, "instance fields in on-device test classes (null on a board): " + string.Join(", ", stateful));
    }

    [Fact]
    public void A_test_uses_nothing_another_test_file_declares()
    {
        Type[] all = typeof(OnDeviceTestRulesTests).Assembly.GetTypes()
            .Where(t => t.Namespace == "Edge.Dataplane.NfTests" && !t.IsNested && !t.Name.StartsWith('<'))
            .ToArray();

        // Only test classes at the top of a test file; helpers go to Sim/ (namespace Edge.Dataplane.NfTests.Sim).
        string[] helpers = all.Where(t => t.GetCustomAttribute<TestClassAttribute>() == null).Select(t => t.Name).ToArray();
        Assert.True(helpers.Length == 0, "types beside the tests that another part could need (move them to Sim/): " + string.Join(", ", helpers));

        // And no test class reaches into another's members.
        string sources = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Edge.Dataplane.NfTests"));
        var crossings = new List<string>();
        foreach (string file in Directory.GetFiles(sources, "*Tests.cs"))
        {
            string text = File.ReadAllText(file);
            string own = Path.GetFileNameWithoutExtension(file);
            crossings.AddRange(all.Select(t => t.Name).Where(name => name != own && text.Contains(name + ".", StringComparison.Ordinal)).Select(name => $"{own} uses {name}"));
        }

        Assert.True(crossings.Count == 0, "test classes using each other (share it through Sim/ instead): " + string.Join(", ", crossings));
    }
}
