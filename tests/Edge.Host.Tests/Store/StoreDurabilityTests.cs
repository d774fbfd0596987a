using System.Diagnostics;
using Edge.Host.Store;
using Microsoft.Data.Sqlite;

namespace Edge.Host.Tests.Store;

/// <summary>Killing the control plane mid-apply loses nothing the store acknowledged.</summary>
[Trait("Category", Category.Unit)]
public sealed class StoreDurabilityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-durable-").FullName;

    [Fact]
    public void Every_acknowledged_apply_survives_SIGKILL()
    {
        string db = Path.Combine(_dir, "lab.db");
        string writer = Path.Combine(RepoPaths.Root, "tests", "Edge.Host.Tests.StoreWriter", "bin",
            new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name, "net10.0", "Edge.Host.Tests.StoreWriter.dll");
        Assert.True(File.Exists(writer), writer);

        using var process = Process.Start(new ProcessStartInfo("dotnet", [writer, db]) { RedirectStandardOutput = true })!;
        var acknowledged = new List<(string Name, string Version)>();
        while (acknowledged.Count < 150)
        {
            string? line = process.StandardOutput.ReadLine();
            Assert.NotNull(line); // the writer died on its own
            string[] parts = line.Split(' ');
            acknowledged.Add((parts[0], parts[1]));
        }

        process.Kill(); // SIGKILL, mid-write: the writer never stops between applies
        process.WaitForExit();

        using (var check = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            check.Open();
            using SqliteCommand cmd = check.CreateCommand();
            cmd.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)cmd.ExecuteScalar());
        }

        using var store = ObjectStore.Open(db);
        foreach (var (name, version) in acknowledged)
        {
            Assert.Equal(version, (string?)store.Get("Pod", "default", name)?.Metadata["resourceVersion"]);
        }

        Assert.True(store.ResourceVersion >= long.Parse(acknowledged[^1].Version));
        Assert.True(store.List("Pod").Items.Count >= acknowledged.Count);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
