using Edge.Dataplane.Boards;
using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>A condition a simulation runs until (a non-generic delegate: nanoFramework 1.x has no Func).</summary>
    public delegate bool Condition();

    /// <summary>
    /// N boards in one program on one <see cref="ManualClock"/>: board i has address
    /// 192.168.50.(10+i), pod CIDR 10.244.i.0/24 and a route to every other board's CIDR over
    /// VXLAN on the <see cref="Lan"/>. The same seed gives the same run, here and on nanoCLR.
    /// </summary>
    public sealed class TestCluster
    {
        public readonly ManualClock Clock = new ManualClock();
        public readonly Lan Lan;
        public readonly Node[] Nodes;

        public TestCluster(int boards, uint seed)
            : this(boards, seed, 0)
        {
        }

        /// <param name="memoryClass">The boards' <see cref="MemoryClass"/> (their capacities); 0 for the dataplane's defaults.</param>
        public TestCluster(int boards, uint seed, int memoryClass)
        {
            Lan = new Lan(boards);
            Nodes = new Node[boards];
            for (int i = 1; i <= boards; i++)
            {
                NodeConfig config = new NodeConfig();
                if (memoryClass != 0)
                {
                    MemoryClass.Apply(memoryClass, config);
                }

                config.Name = "node-" + i;
                config.Address = BoardAddress(i);
                config.PodNetwork = PodNetwork(i);
                Nodes[i - 1] = new Node(config, Clock, new SeededRandom(seed * 31 + (uint)i), Lan.Open(config.Address, config.VxlanPort));
            }

            for (int i = 1; i <= boards; i++)
            {
                for (int j = 1; j <= boards; j++)
                {
                    if (i != j)
                    {
                        Nodes[i - 1].AddPeer(PodNetwork(j), 24, BoardAddress(j), VxlanHeader.IanaPort);
                    }
                }
            }
        }

        public static uint BoardAddress(int board)
        {
            return Ipv4Address.FromOctets(192, 168, 50, (byte)(10 + board));
        }

        public static uint PodNetwork(int board)
        {
            return Ipv4Address.FromOctets(10, 244, (byte)board, 0);
        }

        public Node Node(int board)
        {
            return Nodes[board - 1];
        }

        /// <summary>Advances one millisecond: delivers what was sent, then polls every board until all are idle.</summary>
        public void Step()
        {
            Clock.Now++;
            Lan.Deliver();
            for (int round = 0; round < 64; round++)
            {
                int work = 0;
                for (int i = 0; i < Nodes.Length; i++)
                {
                    work += Nodes[i].Poll();
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

        /// <summary>Steps until the condition holds; false if it did not within the simulated time.</summary>
        public bool RunUntil(Condition done, int maxMilliseconds)
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

        /// <summary>Whether every board has all its packet buffers back (nothing leaked once traffic is over).</summary>
        public bool NoBufferHeld()
        {
            for (int i = 0; i < Nodes.Length; i++)
            {
                if (Nodes[i].Context.Pool.Available != Nodes[i].Context.Pool.Capacity)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
