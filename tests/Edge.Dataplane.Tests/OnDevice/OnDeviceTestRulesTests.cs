using System.Reflection;
using Edge.Dataplane.NfTests.Golden;
using TestClassAttribute = nanoFramework.TestFramework.TestClassAttribute;

namespace Edge.Dataplane.Tests.OnDevice;

/// <summary>
/// What the on-device tests must keep to run the same on a board as here: the golden bytes they
/// carry in source are the golden files', and no test class holds instance state (nanoFramework's
/// UnitTestLauncher invokes every test method with a null <c>this</c>, so an instance field
/// throws NullReferenceException there while it works here).
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
}
