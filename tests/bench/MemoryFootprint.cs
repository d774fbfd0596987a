using Edge.Dataplane.Net;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Worker;

namespace Edge.Bench;

/// <summary>
/// Bytes of managed memory per service, per endpoint and per conntrack entry on .NET (a
/// stand-in for the board's heap: nanoFramework's object headers differ, the arrays do not).
/// Run: dotnet run -c Release --project tests/bench -- memory
/// </summary>
public static class MemoryFootprint
{
    public static int Run()
    {
        long services = Measure(() =>
        {
            var table = new ServiceTable(1000);
            for (int i = 0; i < 1000; i++)
            {
                table.Set(new Service { Name = "svc-" + i, ClusterIp = 0x0A600001u + (uint)i, Port = 80 });
            }

            return table;
        }) / 1000;
        long withEndpoints = Measure(() =>
        {
            var list = new Service[1000];
            for (int i = 0; i < 1000; i++)
            {
                list[i] = new Service();
                list[i].SetEndpoints(new uint[4], new ushort[4], new byte[4]);
            }

            return list;
        });
        long bare = Measure(() =>
        {
            var list = new Service[1000];
            for (int i = 0; i < 1000; i++)
            {
                list[i] = new Service();
            }

            return list;
        });
        long conntrack = Measure(() => new Conntrack(4096, true, 0x0AF40101, 256)) / 4096;
        long pod = Measure(() =>
        {
            var node = new Node(new NodeConfig { PodNetwork = 0x0AF40100 }, new Edge.VirtualBoard.Platform.SystemClock(), new Edge.VirtualBoard.Platform.SystemRandom(), new Edge.VirtualBoard.Budget.NullPlatform.Port());
            return node;
        });

        Console.WriteLine($"per service (name, VIP, policies, index slots): {services} bytes");
        Console.WriteLine($"per endpoint (address, port, flags, connection counter): {(withEndpoints - bare) / 4000} bytes");
        Console.WriteLine($"per conntrack entry (two tuples, state, flags, per-flow counters, chains): {conntrack} bytes");
        Console.WriteLine($"a node with NodeConfig's default capacities, before pods (see -- budget for the memory classes): {pod / 1024} KiB");
        return 0;
    }

    private static long Measure(Func<object> build)
    {
        GC.Collect();
        long before = GC.GetAllocatedBytesForCurrentThread();
        object kept = build();
        long after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(kept);
        return after - before;
    }
}
