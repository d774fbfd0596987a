using System.Text.Json.Nodes;
using Edge.Dataplane.Mgmt;
using Edge.Host.Allocation;
using Edge.Host.Compile;
using Edge.Host.Controllers;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Bench;

/// <summary>
/// Bytes on the wire for a full sync: 50 services, 20 pods (10 deployments of 2), 3 boards,
/// through the real store, controllers, compiler and codec. The budget is one second of a
/// 115200 baud serial line (8N1: 10 bits a byte, 11,520 bytes); the ratio is against it.
/// </summary>
public static class SyncSize
{
    private const double BytesPerSecondAt115200 = 115200 / 10.0;

    public static int Run()
    {
        string dir = Directory.CreateTempSubdirectory("edge-sync-bench-").FullName;
        try
        {
            using var store = ObjectStore.Open(Path.Combine(dir, "lab.db"));
            DateTime now = DateTime.UtcNow;
            for (int n = 1; n <= 3; n++)
            {
                store.Create(Json($$$"""
                    {"kind": "Node", "metadata": {"name": "node-{{{n}}}"}, "spec": {"podCIDR": "10.244.{{{n}}}.0/24"},
                    "status": {"allocatable": {"pods": "16"}, "addresses": [{"type": "InternalIP", "address": "192.168.50.{{{10 + n}}}"}]}}
                    """));
            }

            for (int d = 0; d < 10; d++)
            {
                store.Create(Json($$$"""
                    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "app-{{{d}}}"},
                    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "app-{{{d}}}"}},
                      "template": {"metadata": {"labels": {"app": "app-{{{d}}}"}}, "spec": {"containers": [{"name": "c", "image": "whoami", "ports": [{"name": "http", "containerPort": 80}]}]} } } }
                    """));
            }

            for (int s = 0; s < 50; s++)
            {
                store.Create(Json($$$"""
                    {"kind": "Service", "metadata": {"name": "svc-{{{s}}}"},
                    "spec": {"selector": {"app": "app-{{{s % 10}}}"}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}
                    """));
            }

            var controllers = new ClusterReconciler(store, new ClusterNetwork(), new Random(1), () => now, NodeLifecycleSettings.Workshop);
            foreach (string node in new[] { "node-1", "node-2", "node-3" })
            {
                controllers.RecordHeartbeat(node, now);
            }

            controllers.ReconcileUntilSettled();
            foreach (KubeObject pod in store.List("Pod").Items)
            {
                pod.Json["status"]!["phase"] = "Running";
                pod.Json["status"]!["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" });
                store.Update(pod);
            }

            controllers.ReconcileUntilSettled();

            var nodes = store.List("Node").Items;
            var pods = store.List("Pod").Items;
            var services = store.List("Service").Items;
            var endpoints = store.List("Endpoints").Items;
            Console.WriteLine($"sync   {services.Count} services, {pods.Count} pods, {nodes.Count} boards");
            int total = 0, largest = 0;
            foreach (KubeObject node in nodes)
            {
                DesiredState state = BoardStateCompiler.Compile(node.Name, nodes, pods, services, endpoints, new ClusterNetwork(), 1);
                var writer = new PayloadWriter();
                var buffer = new byte[Frame.HeaderLength + Frame.MaxPayload + Frame.TrailerLength];
                writer.Begin(buffer, Frame.HeaderLength, Frame.MaxPayload);
                StateCodec.Encode(state, writer);
                if (writer.Overflow)
                {
                    Console.WriteLine($"{node.Name}: snapshot does not fit in one frame ({Frame.MaxPayload} bytes)");
                    return 1;
                }

                int bytes = Frame.HeaderLength + writer.Length + Frame.TrailerLength;
                total += bytes;
                largest = Math.Max(largest, bytes);
                Console.WriteLine($"{node.Name}  {state.Pods.Length,2} pods  {bytes,6:N0} bytes  {bytes / BytesPerSecondAt115200:F2} s at 115200 8N1");
            }

            Console.WriteLine($"largest board snapshot {largest:N0} bytes: ratio {largest / BytesPerSecondAt115200:F2} of the one-second budget ({BytesPerSecondAt115200:N0} bytes); all three {total:N0} bytes (boards sync in parallel, one line each)");

            // After the first snapshot, changes are deltas: one pod of app-0 goes not-ready (five services select app-0).
            DesiredState before = BoardStateCompiler.Compile("node-1", nodes, pods, services, endpoints, new ClusterNetwork(), 1);
            KubeObject unready = pods.First(p => p.Name.StartsWith("app-0-", StringComparison.Ordinal));
            unready.Json["status"]!["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "False" });
            store.Update(unready);
            controllers.ReconcileUntilSettled();
            DesiredState after = BoardStateCompiler.Compile("node-1", store.List("Node").Items, store.List("Pod").Items, store.List("Service").Items, store.List("Endpoints").Items, new ClusterNetwork(), 2);
            StateChange change = StateDiff.Compute(before, after)!;
            var deltaWriter = new PayloadWriter();
            deltaWriter.Begin(new byte[Frame.MaxPayload], 0, Frame.MaxPayload);
            StateDelta.Encode(1, change.Flags, change.RemovedServices, change.RemovedDns, change.Changed, deltaWriter);
            int deltaBytes = Frame.HeaderLength + deltaWriter.Length + Frame.TrailerLength;
            int fullBytes = Frame.HeaderLength + StateDiff.Bytes(after).Length + Frame.TrailerLength;
            Console.WriteLine($"one pod not ready (its endpoint leaves {change.Changed.Services.Length} services): delta {deltaBytes:N0} bytes vs snapshot {fullBytes:N0}: ratio {(double)deltaBytes / fullBytes:F2}; {deltaBytes / BytesPerSecondAt115200:F3} s at 115200 8N1");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static KubeObject Json(string text) => new((JsonObject)JsonNode.Parse(text)!);
}
