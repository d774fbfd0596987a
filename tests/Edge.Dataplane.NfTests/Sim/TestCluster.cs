#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Boards;
using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;
using Edge.Dataplane.Workloads;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>A condition a simulation runs until (a non-generic delegate: nanoFramework 1.x has no Func).</summary>
    public delegate bool Condition();

    /// <summary>Sets a board's <see cref="NodeConfig"/> before its node is built (non-generic: no Action&lt;T&gt;).</summary>
    public delegate void Configure(NodeConfig config);

    /// <summary>
    /// N boards in one program on one <see cref="ManualClock"/>: board i has address
    /// 192.168.50.(10+i), pod CIDR 10.244.i.0/24 and a route to every other board's CIDR over
    /// VXLAN on the <see cref="Lan"/>. The same seed gives the same run, here and on nanoCLR.
    /// Workloads added with <see cref="Add"/> run every simulated millisecond, as a board's
    /// loop runs them.
    /// </summary>
    public sealed class TestCluster
    {
        private const int MaxWorkloads = 16;

        private readonly IWorkload[] _workloads = new IWorkload[MaxWorkloads];
        private int _workloadCount;

        public readonly ManualClock Clock = new ManualClock();
        public readonly Lan Lan;
        public readonly Node[] Nodes;

        /// <summary>Each board's VXLAN socket on the LAN (what its overlay sends and receives through).</summary>
        public readonly LanPort[] Ports;

        /// <summary>Each board's own sockets (what NodePort listens on), or null when the cluster was made without them.</summary>
        public readonly LabSockets[] Sockets;

        public TestCluster(int boards, uint seed)
            : this(boards, seed, 0, null, false)
        {
        }

        /// <param name="memoryClass">The boards' <see cref="MemoryClass"/> (their capacities); 0 for the dataplane's defaults.</param>
        public TestCluster(int boards, uint seed, int memoryClass)
            : this(boards, seed, memoryClass, null, false)
        {
        }

        public TestCluster(int boards, uint seed, Configure configure)
            : this(boards, seed, 0, configure, false)
        {
        }

        /// <param name="configure">Called with each board's settings before its node is built, or null.</param>
        /// <param name="boardSockets">Whether each board gets <see cref="LabSockets"/> (its own TCP and UDP, for NodePort).</param>
        public TestCluster(int boards, uint seed, int memoryClass, Configure configure, bool boardSockets)
        {
            Lan = new Lan(boards * 4 + 4);
            Nodes = new Node[boards];
            Ports = new LanPort[boards];
            Sockets = boardSockets ? new LabSockets[boards] : null;
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
                if (configure != null)
                {
                    configure(config);
                }

                LabSockets sockets = boardSockets ? new LabSockets(Lan, config.Address) : null;
                if (sockets != null)
                {
                    Sockets[i - 1] = sockets;
                }

                Ports[i - 1] = Lan.Open(config.Address, config.VxlanPort);
                Nodes[i - 1] = new Node(config, Clock, new SeededRandom(seed * 31 + (uint)i), Ports[i - 1], sockets);
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

        /// <summary>
        /// Puts raw frame bytes on a board's bridge as if they came from a pod's eth0 (a pod at
        /// 10.244.1.5 sends scapy's golden frames as they are: their MACs are Docker's, as Edge's).
        /// </summary>
        public void Inject(int board, PodSandbox from, byte[] frame, int length)
        {
            Node node = Node(board);
            PacketBuffer buffer = node.Context.Pool.Rent();
            System.Array.Copy(frame, 0, buffer.Data, buffer.Offset, length);
            buffer.Length = length;
            node.Bridge.Submit(buffer, from.Interface.Port);
        }

        /// <summary>Runs a workload (a pod's container) every step from now on; returns it.</summary>
        public IWorkload Add(IWorkload workload)
        {
            _workloads[_workloadCount++] = workload;
            return workload;
        }

        /// <summary>Starts a built-in image in a pod and runs it every step.</summary>
        public IWorkload Run(string image, PodSandbox pod, int board)
        {
            return Add(WorkloadCatalog.Create(image, pod, "node-" + board));
        }

        /// <summary>Advances one millisecond: delivers what was sent, runs the workloads, then polls every board until all are idle.</summary>
        public void Step()
        {
            Clock.Now++;
            Lan.Deliver();
            for (int round = 0; round < 64; round++)
            {
                int work = 0;
                for (int i = 0; i < _workloadCount; i++)
                {
                    _workloads[i].Poll(Clock.Now);
                }

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

        /// <summary>Every board's drop counters, for assertion messages: "node-1: none; node-2: no-socket=1".</summary>
        public string DropsText()
        {
            string text = "";
            for (int i = 0; i < Nodes.Length; i++)
            {
                text += (i == 0 ? "" : "; ") + Nodes[i].Config.Name + ": " + Nodes[i].Drops.ToString();
            }

            return text;
        }
    }
}
