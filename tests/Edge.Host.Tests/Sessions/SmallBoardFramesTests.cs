using Edge.Host.Tests.Trust;
using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Host.Sessions;
using Edge.VirtualBoard;

namespace Edge.Host.Tests.Sessions;

/// <summary>
/// A WROOM board sends frames of at most 1.5 KiB. A service table as iptables-save prints it is
/// longer than that, and arrives whole, in pieces, rather than cut short; a heartbeat whose pod
/// messages would not fit still reports every pod's phase and reason.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class SmallBoardFramesTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private AgentBoard _board = null!;
    private Thread _loop = null!;

    public Task InitializeAsync()
    {
        Ipv4Address.TryParse("127.0.10.115", out uint address);
        var flash = new MemoryStorage();
        new BoardSettings { Profile = "wt32-eth01", Cluster = TestCluster.Key.Cluster, Key = TestCluster.Key.Key }.Save(flash);
        _board = new AgentBoard("node-1", address, mgmtPort: 7915, storage: flash);
        _loop = new Thread(() => _board.Run(_stop.Token)) { IsBackground = true };
        _loop.Start();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _stop.Cancel();
        _loop.Join();
        _board.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_service_table_longer_than_the_boards_frame_arrives_whole()
    {
        await using BoardClient client = await BoardClient.ConnectAsync("127.0.10.115", 7915, TestCluster.Key);
        BoardHello hello = await client.HelloAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(MemoryClass.MaxPayload(MemoryClass.Wroom), hello.MaxPayload);
        var services = Enumerable.Range(0, 24).Select(i =>
        {
            var s = new Service { Name = $"svc-{i}", PortName = "http", ClusterIp = 0x0A600010u + (uint)i, Port = 80 };
            s.SetEndpoints([0x0AF40105u, 0x0AF40205u], [8080, 8080], [(byte)(EndpointFlags.Ready | EndpointFlags.Serving), (byte)(EndpointFlags.Ready | EndpointFlags.Serving)]);
            return s;
        }).ToArray();
        await client.SendSnapshotAsync(new DesiredState { Generation = 1, PodNetwork = 0x0AF40100, Services = services }, TimeSpan.FromSeconds(5));

        string table = await client.ViewAsync(BoardSession.ViewIptables, TimeSpan.FromSeconds(5));

        Assert.True(table.Length > 2 * MemoryClass.MaxOutPayload(MemoryClass.Wroom), $"{table.Length} characters");
        Assert.Equal(24, table.Split('\n').Count(l => l.StartsWith("-A KUBE-SERVICES -m comment --comment \"default/svc-", StringComparison.Ordinal)));
        Assert.EndsWith("COMMIT\n", table);
    }

    [Fact]
    public async Task A_heartbeat_too_long_for_the_frame_drops_the_messages_and_keeps_every_pods_phase_and_reason()
    {
        await using BoardClient client = await BoardClient.ConnectAsync("127.0.10.115", 7915, TestCluster.Key);
        await client.HelloAsync(TimeSpan.FromSeconds(5));
        var pods = Enumerable.Range(0, 8).Select(i => new PodSpec
        {
            Namespace = "a-namespace-with-a-rather-long-name-for-the-workshop",
            Name = $"a-deployment-with-a-long-name-too-{i}-6d4b9c7f5-x2x9z",
            Uid = $"0b1c2d{i:x2}", // as the host sends it: the uid's first 8 hex digits (PodIncarnation)
            Address = 0x0AF40105u + (uint)i,
            Containers = ContainerSpec.One("registry.example.com/an/image/the/board/does/not/have:latest"),
        }).ToArray();
        var reported = new TaskCompletionSource<BoardHeartbeat>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Heartbeat += h =>
        {
            if (h.Generation == 1)
            {
                reported.TrySetResult(h);
            }
        };

        await client.SendSnapshotAsync(new DesiredState { Generation = 1, PodNetwork = 0x0AF40100, Pods = pods }, TimeSpan.FromSeconds(5));
        BoardHeartbeat heartbeat = await reported.Task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(8, heartbeat.Pods.Count);
        Assert.All(heartbeat.Pods, p => Assert.Equal("Failed", p.Phase));
        Assert.All(heartbeat.Pods, p => Assert.Equal("ErrImageNeverPull", p.Reason));
        Assert.All(heartbeat.Pods, p => Assert.Equal("", p.Message)); // with its messages it was over 1.25 KiB
    }
}
