using System.Reflection;
using TestClassAttribute = nanoFramework.TestFramework.TestClassAttribute;
using TestMethodAttribute = nanoFramework.TestFramework.TestMethodAttribute;

namespace Edge.Dataplane.Tests.OnDevice;

/// <summary>
/// Every [TestMethod] of the on-device tests, run on CoreCLR: a board runs the same methods under
/// nanoFramework.TestFramework, so a test that is wrong fails here first, not at a workshop table.
/// </summary>
[Trait("Category", Category.Firmware)]
public sealed class OnDeviceTestsRunHere
{
    public static TheoryData<string> Methods()
    {
        var data = new TheoryData<string>();
        foreach (string name in MethodNames())
        {
            data.Add(name);
        }

        return data;
    }

    private static List<string> MethodNames()
    {
        var data = new List<string>();
        foreach (Type type in typeof(OnDeviceTestsRunHere).Assembly.GetTypes().Where(t => t.GetCustomAttribute<TestClassAttribute>() != null))
        {
            foreach (MethodInfo method in type.GetMethods().Where(m => m.GetCustomAttribute<TestMethodAttribute>() != null))
            {
                data.Add($"{type.Name}.{method.Name}");
            }
        }

        return data;
    }

    [Fact]
    public void There_are_on_device_tests_for_every_layer()
    {
        var classes = MethodNames().Select(name => name.Split('.')[0]).ToHashSet();
        Assert.Subset(classes, new HashSet<string> { "WireTests", "NetTests", "TcpTests", "ProxyTests", "IngressTests", "DnsTests", "MgmtTests", "AgentTests", "ClusterTests" });
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Passes(string test)
    {
        string[] parts = test.Split('.');
        Type type = typeof(OnDeviceTestsRunHere).Assembly.GetTypes().Single(t => t.Name == parts[0] && t.GetCustomAttribute<TestClassAttribute>() != null);
        object instance = Activator.CreateInstance(type)!;
        try
        {
            type.GetMethod(parts[1])!.Invoke(instance, null);
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }
}
