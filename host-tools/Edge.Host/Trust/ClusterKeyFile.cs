using System.Text.Json;
using Edge.Dataplane.Trust;
using Edge.Host.Store;

namespace Edge.Host.Trust;

/// <summary>
/// Where a cluster's key is kept on the laptop: beside its store, readable by its owner only
/// (clusters/NAME.key, mode 0600). `lab up`, `up` and `board provision` create it on first use;
/// it is never printed (describe, get -o yaml and logs show the key id only).
/// </summary>
public static class ClusterKeyFile
{
    public static string PathFor(string cluster) => Path.ChangeExtension(StorePaths.ForCluster(cluster), ".key");

    /// <summary>The cluster's key, made and kept now if it has none.</summary>
    public static ClusterKey LoadOrCreate(string cluster) => Load(cluster) ?? Save(ClusterKey.Create(cluster));

    /// <summary>The cluster's key, or null when it has none yet.</summary>
    public static ClusterKey? Load(string cluster)
    {
        string path = PathFor(cluster);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            Stored stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path)) ?? throw new JsonException("empty");
            byte[] key = Convert.FromBase64String(stored.Key ?? "");
            byte[]? previous = stored.Previous is { } p ? Convert.FromBase64String(p) : null;
            if (key.Length != SessionAuth.KeyLength || previous is { Length: not SessionAuth.KeyLength })
            {
                throw new FormatException($"a key is {SessionAuth.KeyLength} bytes");
            }

            return new ClusterKey(cluster, key, previous);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new InvalidDataException($"{path} is damaged ({e.Message}): restore it from a backup, or delete it and provision every board again (edgectl board provision)");
        }
    }

    public static ClusterKey Save(ClusterKey key)
    {
        string path = PathFor(key.Cluster);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".new";
        File.Delete(temporary); // made anew below, with the owner-only mode (a mode applies only to a file being created)
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, options))
        {
            file.Write(System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Stored(Convert.ToBase64String(key.Key), key.Previous is { } p ? Convert.ToBase64String(p) : null))));
            file.Flush(flushToDisk: true); // on disk before it replaces the old: boards may take this key the moment it is kept
        }

        File.Move(temporary, path, overwrite: true);
        return key;
    }

    private sealed record Stored(string? Key, string? Previous);
}
