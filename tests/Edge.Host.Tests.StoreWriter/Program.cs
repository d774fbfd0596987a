using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Store;

// Usage: Edge.Host.Tests.StoreWriter DB_PATH
// Applies pods w-0, w-1, ... until killed; after each acknowledged apply prints "NAME RESOURCE_VERSION".
using var store = ObjectStore.Open(args[0]);
var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
for (int i = 0; ; i++)
{
    var pod = new KubeObject(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = $"w-{i}", ["labels"] = new JsonObject { ["batch"] = "torture" } },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "hello" }) },
    });
    KubeObject stored = store.Apply(pod).Object;
    output.WriteLine($"{stored.Name} {stored.Metadata["resourceVersion"]}");
}
