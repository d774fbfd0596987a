// nanoFramework.TestFramework's attributes and asserts over xunit, so the on-device tests
// (tests/Edge.Dataplane.NfTests) also run here, on CoreCLR, in every CI run.
namespace nanoFramework.TestFramework;

[AttributeUsage(AttributeTargets.Class)]
public sealed class TestClassAttribute : Attribute;

[AttributeUsage(AttributeTargets.Method)]
public sealed class TestMethodAttribute : Attribute;

[AttributeUsage(AttributeTargets.Method)]
public sealed class SetupAttribute : Attribute;

[AttributeUsage(AttributeTargets.Method)]
public sealed class CleanupAttribute : Attribute;

public static class Assert
{
    public static void IsTrue(bool condition, string message = "") => Xunit.Assert.True(condition, message);
    public static void IsFalse(bool condition, string message = "") => Xunit.Assert.False(condition, message);
    public static void IsNull(object? value, string message = "") => Xunit.Assert.Null(value);
    public static void IsNotNull(object? value, string message = "") => Xunit.Assert.NotNull(value);
    public static void AreEqual(bool expected, bool actual, string message = "") => Xunit.Assert.Equal(expected, actual);
    public static void AreEqual(byte expected, byte actual, string message = "") => Xunit.Assert.Equal(expected, actual);
    public static void AreEqual(int expected, int actual, string message = "") => Xunit.Assert.Equal(expected, actual);
    public static void AreEqual(long expected, long actual, string message = "") => Xunit.Assert.Equal(expected, actual);
    public static void AreEqual(uint expected, uint actual, string message = "") => Xunit.Assert.Equal(expected, actual);
    public static void AreEqual(ushort expected, ushort actual, string message = "") => Xunit.Assert.Equal(expected, actual);
    public static void AreEqual(string expected, string actual, string message = "") => Xunit.Assert.Equal(expected, actual);
    public static void AreEqual(ulong expected, ulong actual, string message = "") => Xunit.Assert.Equal(expected, actual);
    public static void AreEqual(object? expected, object? actual, string message = "") => Xunit.Assert.Equal(expected, actual);
    public static void AreNotEqual(int notExpected, int actual, string message = "") => Xunit.Assert.NotEqual(notExpected, actual);
    public static void AreNotEqual(long notExpected, long actual, string message = "") => Xunit.Assert.NotEqual(notExpected, actual);
    public static void AreNotEqual(uint notExpected, uint actual, string message = "") => Xunit.Assert.NotEqual(notExpected, actual);
    public static void AreNotEqual(string notExpected, string actual, string message = "") => Xunit.Assert.NotEqual(notExpected, actual);
    public static void AreSame(object? expected, object? actual, string message = "") => Xunit.Assert.Same(expected, actual);
    public static void AreNotSame(object? notExpected, object? actual, string message = "") => Xunit.Assert.NotSame(notExpected, actual);
}

public static class OutputHelper
{
    public static void Write(string message) => Console.Write(message);
    public static void WriteLine(string message) => Console.WriteLine(message);
}
