using Edge.Dataplane.Platform;

namespace Edge.VirtualBoard.Platform;

/// <summary>
/// A virtual board's flash: one file per record in its state directory, replaced whole (written
/// beside it, then renamed over it) so a record is either the old one or the new one, never half.
/// </summary>
public sealed class FileStorage(string directory) : IStorage
{
    public string Directory { get; } = directory;

    public byte[]? Read(string key)
    {
        string path = PathOf(key);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    public bool Write(string key, byte[] buffer, int offset, int length)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            string path = PathOf(key);
            string next = path + ".new";
            using (var file = new FileStream(next, FileMode.Create, FileAccess.Write))
            {
                file.Write(buffer, offset, length);
                file.Flush(flushToDisk: true);
            }

            File.Move(next, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private string PathOf(string key) => Path.Combine(Directory, key);
}
