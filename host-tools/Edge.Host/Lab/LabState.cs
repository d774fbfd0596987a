using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Host.Store;

namespace Edge.Host.Lab;

/// <summary>
/// A virtual-board lab on this machine: where its API listens and which processes are its
/// control plane and boards. Written by `edgectl lab up`, read by every other command to find
/// the cluster, and removed by `lab down --purge` (the cluster's store lives beside it).
/// </summary>
public sealed class LabState
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Name { get; set; } = "lab";

    /// <summary>The API, e.g. http://127.0.0.1:41017.</summary>
    public string Server { get; set; } = "";

    public string? Token { get; set; }

    public LabProcess? ControlPlane { get; set; }

    public List<LabProcess> Boards { get; set; } = [];

    /// <summary>The lab view in a browser (`lab up --ui`): its process, and its page's URL as Address.</summary>
    public LabProcess? Ui { get; set; }

    public static string DirectoryFor(string name) => Path.Combine(StorePaths.DataDirectory(), "labs", name);

    public static string PathFor(string name) => Path.Combine(DirectoryFor(name), "lab.json");

    public static LabState? Load(string name)
    {
        string path = PathFor(name);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<LabState>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new IOException($"{path} is damaged ({e.Message}); `edgectl lab down --purge --lab {name}` starts over", e);
        }
    }

    public void Save()
    {
        Directory.CreateDirectory(DirectoryFor(Name));
        string path = PathFor(Name);
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json));
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>One process of a lab: what it is, its pid, where it listens and where it logs.</summary>
public sealed class LabProcess
{
    public string Name { get; set; } = "";

    public int Pid { get; set; }

    /// <summary>A board's management link (tcp://127.0.10.1:7900), or the API's address for the control plane.</summary>
    public string Address { get; set; } = "";

    public string Log { get; set; } = "";
}
