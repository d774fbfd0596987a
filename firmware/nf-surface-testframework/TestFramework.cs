// nanoFramework.TestFramework 3.0.77: the attributes and asserts the on-device tests use.
// (The real Assert methods take a [CallerArgumentExpression] message; callers here pass none.)
namespace nanoFramework.TestFramework
{
    using System;

    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
    public class TestClassAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public class TestMethodAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public class SetupAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public class CleanupAttribute : Attribute { }

    public sealed class Assert
    {
        public static void IsTrue(bool condition, string message = "") => throw null;
        public static void IsFalse(bool condition, string message = "") => throw null;
        public static void IsNull(object value, string message = "") => throw null;
        public static void IsNotNull(object value, string message = "") => throw null;
        public static void AreEqual(bool expected, bool actual, string message = "") => throw null;
        public static void AreEqual(byte expected, byte actual, string message = "") => throw null;
        public static void AreEqual(int expected, int actual, string message = "") => throw null;
        public static void AreEqual(long expected, long actual, string message = "") => throw null;
        public static void AreEqual(uint expected, uint actual, string message = "") => throw null;
        public static void AreEqual(ushort expected, ushort actual, string message = "") => throw null;
        public static void AreEqual(string expected, string actual, string message = "") => throw null;
        public static void AreEqual(ulong expected, ulong actual, string message = "") => throw null;
        public static void AreEqual(object expected, object actual, string message = "") => throw null;
        public static void AreNotEqual(int notExpected, int actual, string message = "") => throw null;
        public static void AreNotEqual(long notExpected, long actual, string message = "") => throw null;
        public static void AreNotEqual(uint notExpected, uint actual, string message = "") => throw null;
        public static void AreNotEqual(string notExpected, string actual, string message = "") => throw null;
        public static void AreSame(object expected, object actual, string message = "") => throw null;
        public static void AreNotSame(object notExpected, object actual, string message = "") => throw null;
    }

    public static class OutputHelper
    {
        public static void Write(string message) => throw null;
        public static void WriteLine(string message) => throw null;
    }
}
