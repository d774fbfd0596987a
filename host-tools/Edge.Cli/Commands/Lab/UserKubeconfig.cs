using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Edge.Cli.Commands.Lab;

/// <summary>
/// The user's own kubeconfig, treated as `kind create cluster` treats it: the lab's cluster, user
/// and context are merged in under one name (<c>edge-LAB</c>) and the context made current, every
/// other entry left as it was; `lab down --purge` takes the three out again. So a plain `kubectl
/// get nodes` talks to the lab after `lab up`, with no flag and no export.
/// </summary>
public static class UserKubeconfig
{
    private static readonly string[] Lists = ["clusters", "users", "contexts"];

    /// <summary>Where kubectl reads and writes: the first file of $KUBECONFIG, else ~/.kube/config.</summary>
    public static string PathOf() => PathOf(Environment.GetEnvironmentVariable("KUBECONFIG"));

    /// <summary>The file kubectl writes with <paramref name="variable"/> as $KUBECONFIG.</summary>
    public static string PathOf(string? variable)
    {
        string? first = variable?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return first ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
    }

    /// <summary>Adds or replaces the lab's cluster, user and context in the file at <paramref name="path"/> and makes the context current.</summary>
    public static void Merge(string path, string name, string server, string? token)
    {
        Dictionary<object, object> config = Load(path);
        config.TryAdd("apiVersion", "v1");
        config.TryAdd("kind", "Config");
        Upsert(config, "clusters", name, new Dictionary<object, object> { ["name"] = name, ["cluster"] = new Dictionary<object, object> { ["server"] = server } });
        Upsert(config, "users", name, new Dictionary<object, object>
        {
            ["name"] = name,
            ["user"] = string.IsNullOrEmpty(token) ? new Dictionary<object, object>() : new Dictionary<object, object> { ["token"] = token },
        });
        Upsert(config, "contexts", name, new Dictionary<object, object>
        {
            ["name"] = name,
            ["context"] = new Dictionary<object, object> { ["cluster"] = name, ["user"] = name, ["namespace"] = "default" },
        });
        config["current-context"] = name;
        Save(path, config);
    }

    /// <summary>Takes the lab's cluster, user and context out of the file; the current context is left empty if it was the lab's. False when there was nothing of the lab's.</summary>
    public static bool Remove(string path, string name)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        Dictionary<object, object> config = Load(path);
        bool removed = false;
        foreach (string list in Lists)
        {
            if (config.TryGetValue(list, out object? value) && value is List<object> items)
            {
                removed |= items.RemoveAll(item => NameOf(item) == name) > 0;
            }
        }

        if (config.TryGetValue("current-context", out object? current) && current as string == name)
        {
            config["current-context"] = "";
            removed = true;
        }

        if (removed)
        {
            Save(path, config);
        }

        return removed;
    }

    private static Dictionary<object, object> Load(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return [];
        }

        try
        {
            object? document = new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(path));
            return document switch
            {
                null => [],
                Dictionary<object, object> map => map,
                _ => throw new InvalidDataException("it is not a kubeconfig (a YAML mapping)"),
            };
        }
        catch (Exception e) when (e is YamlException or InvalidDataException)
        {
            throw new CliException($"cannot merge the lab's context into {path}: {e.Message}; it is left as it was (fix it, or point KUBECONFIG elsewhere)");
        }
    }

    private static void Upsert(Dictionary<object, object> config, string list, string name, Dictionary<object, object> entry)
    {
        if (!config.TryGetValue(list, out object? value) || value is not List<object> items)
        {
            items = [];
            config[list] = items;
        }

        int at = items.FindIndex(item => NameOf(item) == name);
        if (at >= 0)
        {
            items[at] = entry;
        }
        else
        {
            items.Add(entry);
        }
    }

    private static string? NameOf(object item) =>
        item is Dictionary<object, object> map && map.TryGetValue("name", out object? name) ? name as string : null;

    // Written whole beside it and moved over it: a kubeconfig cut halfway would lose the user's other clusters.
    private static void Save(string path, Dictionary<object, object> config)
    {
        string? directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        string temporary = path + ".edge-new";
        File.WriteAllText(temporary, new SerializerBuilder().WithQuotingNecessaryStrings().Build().Serialize(config));
        if (!OperatingSystem.IsWindows())
        {
            // Tokens live in it: owner only, as kubectl and kind keep it.
            File.SetUnixFileMode(temporary, File.Exists(path) ? File.GetUnixFileMode(path) : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
