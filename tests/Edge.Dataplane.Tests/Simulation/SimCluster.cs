using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>
/// N boards in one process on one virtual clock: board i has address 192.168.50.(10+i),
/// pod CIDR 10.244.i.0/24, and a route to every other board's CIDR. Reproducible from a seed.
/// </summary>
public sealed class SimCluster
{
    public SimClock Clock { get; } = new();
    public SimRandom Random { get; }
    public SimNetwork Network { get; }
    public Node[] Nodes { get; }

    public SimCluster(int boards, ulong seed, Action<NodeConfig>? configure = null)
    {
        Random = new SimRandom(seed);
        Network = new SimNetwork(Clock, Random);
        Nodes = new Node[boards];
        for (int i = 1; i <= boards; i++)
        {
            var config = new NodeConfig
            {
                Name = $"node-{i}",
                Address = BoardAddress(i),
                PodNetwork = PodNetwork(i),
            };
            configure?.Invoke(config);
            Nodes[i - 1] = new Node(config, Clock, new SimRandom(seed * 31 + (ulong)i), Network.Open(config.Address, config.VxlanPort));
        }

        for (int i = 1; i <= boards; i++)
        {
            for (int j = 1; j <= boards; j++)
            {
                if (i != j)
                {
                    Assert.True(Nodes[i - 1].AddPeer(PodNetwork(j), 24, BoardAddress(j), VxlanHeader.IanaPort));
                }
            }
        }
    }

    public static uint BoardAddress(int board) => Ipv4Address.FromOctets(192, 168, 50, 10 + board);

    public static uint PodNetwork(int board) => Ipv4Address.FromOctets(10, 244, board, 0);

    public Node Node(int board) => Nodes[board - 1];

    /// <summary>Advances one millisecond: deliver due datagrams, then poll every board until idle.</summary>
    public void Step()
    {
        Clock.Milliseconds++;
        Network.Deliver();
        for (int round = 0; round < 64; round++)
        {
            int work = 0;
            foreach (Node node in Nodes)
            {
                work += node.Poll();
            }

            if (work == 0)
            {
                break;
            }
        }
    }

    public void Run(int milliseconds)
    {
        for (int i = 0; i < milliseconds; i++)
        {
            Step();
        }
    }

    /// <summary>Steps until the condition holds; false if it did not within the time.</summary>
    public bool RunUntil(Func<bool> done, int maxMilliseconds)
    {
        for (int i = 0; i < maxMilliseconds; i++)
        {
            if (done())
            {
                return true;
            }

            Step();
        }

        return done();
    }

    /// <summary>Runs until nothing is in flight, then checks no board leaked a packet buffer.</summary>
    public void AssertNoLeaks(Func<Node, int>? heldOnPurpose = null)
    {
        Run(IpInterface.PendingTimeoutMs + 100);
        foreach (Node node in Nodes)
        {
            int held = heldOnPurpose?.Invoke(node) ?? 0;
            Assert.True(node.Context.Pool.Available + held == node.Context.Pool.Capacity,
                $"{node.Config.Name} leaked {node.Context.Pool.Capacity - node.Context.Pool.Available - held} buffers");
        }
    }
}
