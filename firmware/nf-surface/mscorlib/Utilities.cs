// nanoFramework.CoreLibrary 1.17: Random, BitConverter, Convert, Console, Debug.
namespace System
{
    public class Random
    {
        public Random() { }
        public Random(int seed) { }
        public virtual int Next() => throw null;
        public virtual int Next(int maxValue) => throw null;
        public virtual double NextDouble() => throw null;
        public virtual void NextBytes(byte[] buffer) => throw null;
    }

    public static class BitConverter
    {
        public static bool IsLittleEndian => throw null;
        public static byte[] GetBytes(bool value) => throw null;
        public static byte[] GetBytes(char value) => throw null;
        public static byte[] GetBytes(short value) => throw null;
        public static byte[] GetBytes(ushort value) => throw null;
        public static byte[] GetBytes(int value) => throw null;
        public static byte[] GetBytes(uint value) => throw null;
        public static byte[] GetBytes(long value) => throw null;
        public static byte[] GetBytes(ulong value) => throw null;
        public static byte[] GetBytes(float value) => throw null;
        public static byte[] GetBytes(double value) => throw null;
        public static short ToInt16(byte[] value, int startIndex) => throw null;
        public static ushort ToUInt16(byte[] value, int startIndex) => throw null;
        public static int ToInt32(byte[] value, int startIndex) => throw null;
        public static uint ToUInt32(byte[] value, int startIndex) => throw null;
        public static long ToInt64(byte[] value, int startIndex) => throw null;
        public static ulong ToUInt64(byte[] value, int startIndex) => throw null;
        public static string ToString(byte[] value) => throw null;
        public static string ToString(byte[] value, int startIndex) => throw null;
        public static string ToString(byte[] value, int startIndex, int length) => throw null;
    }

    public static class Convert
    {
        public static byte ToByte(string value) => throw null;
        public static byte ToByte(string value, int fromBase) => throw null;
        public static ushort ToUInt16(string value) => throw null;
        public static ushort ToUInt16(string value, int fromBase) => throw null;
        public static int ToInt32(string value) => throw null;
        public static int ToInt32(string value, int fromBase) => throw null;
        public static uint ToUInt32(string value) => throw null;
        public static uint ToUInt32(string value, int fromBase) => throw null;
        public static long ToInt64(string value) => throw null;
        public static string ToBase64String(byte[] inArray) => throw null;
        public static string ToBase64String(byte[] inArray, int offset, int length) => throw null;
        public static byte[] FromBase64String(string inString) => throw null;
    }

    /// <summary>Writes go to the debug channel; there is no Console.ReadLine on a board.</summary>
    public static class Console
    {
        public static void Write(string value) => throw null;
        public static void WriteLine() => throw null;
        public static void WriteLine(string value) => throw null;
    }
}

namespace System.Diagnostics
{
    public static class Debug
    {
        [Conditional("DEBUG")] public static void Assert(bool condition) => throw null;
        [Conditional("DEBUG")] public static void Assert(bool condition, string message) => throw null;
        public static void Write(string message) => throw null;
        public static void WriteLine() => throw null;
        public static void WriteLine(string message) => throw null;
    }

    public static class Debugger
    {
        public static bool IsAttached => throw null;
        public static void Break() => throw null;
    }
}
