// build.sh's check of a freshly built toolchain: compiled as NFUnitTest (the assembly the
// UnitTestLauncher looks for) and run on each interpreter with the test framework. Calling
// nanoFramework.Runtime.Native.GC.Run is a native method: it only binds when the library was
// compiled and converted the way the interpreter's native table expects (C# 10, the metadata
// processor with ICU); otherwise nanoCLR refuses the assembly ("Invalid native checksum").

using nanoFramework.TestFramework;

namespace EdgeToolchainSmoke
{
    [TestClass]
    public class Smoke
    {
        [TestMethod]
        public void ArithmeticAndStrings()
        {
            int sum = 0;
            for (int i = 1; i <= 100; i++)
            {
                sum += i;
            }

            Assert.AreEqual(5050, sum);
            Assert.AreEqual("nanoCLR 42", "nanoCLR " + 42);
        }

        [TestMethod]
        public void NativeMethodsBind()
        {
            uint free = nanoFramework.Runtime.Native.GC.Run(false);
            OutputHelper.WriteLine("free managed heap: " + free + " bytes");
            Assert.IsTrue(free > 0);
        }
    }
}
