// nanoFramework.System.IO.FileSystem 1.1.93 (nanoframework/System.IO.FileSystem, tag v1.1.93): the File members Edge.Firmware uses.
// Internal flash is drive I:\ on ESP32 targets.
namespace System.IO
{
    public static class File
    {
        public static bool Exists(string path) => throw null;
        public static byte[] ReadAllBytes(string path) => throw null;
        public static void WriteAllBytes(string path, byte[] bytes) => throw null;
        public static void Delete(string path) => throw null;
        public static void Move(string sourceFileName, string destFileName) => throw null;
    }
}
