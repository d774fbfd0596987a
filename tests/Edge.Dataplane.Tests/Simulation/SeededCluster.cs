using Edge.Dataplane.Agent;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>
/// One seed of the whole system in one process on the virtual clock: a host (its model of the
/// cluster, compiled into each board's state and sent as snapshot frames over each board's
/// management line, acknowledgements read back) and three boards as the firmware runs them
/// (a NodeAgent and its BoardSession each), under a mixed workload (TCP transfers through a
/// Service to echo pods, DNS questions, the Service's endpoints and a policy changing) and
/// faults drawn from the seed (loss, duplication and reordering on the wire, partitions between
/// boards, a board rebooted right after a snapshot was sent to it). Then everything heals, and
/// the invariants are checked; <see cref="Run"/> returns what broke, or nothing.
/// </summary>
public sealed class SeededCluster
{
    private const int Boards = 3;
    private static readonly uint Vip = Ipv4Address.FromOctets(10, 96, 0, 20);
    private readonly ulong _seed;
    private readonly SimClock _clock = new();
    private readonly SimRandom _random;
    private readonly SimNetwork _network;
    private readonly Board[] _boards = new Board[Boards];
    private readonly List<Transfer> _transfers = [];
    private readonly bool[] _ready = [true, true, true];
    private readonly bool[] _isolated = new bool[Boards];
    private ushort _nextPort = 20000;

    public int TransfersFinished;
    public int TransfersAbandoned;
    public int DnsAnswers;
    public int Reboots;
    public int Partitions;
    public int Snapshots;

    public SeededCluster(ulong seed)
    {
        _seed = seed;
        _random = new SimRandom(seed);
        _network = new SimNetwork(_clock, new SimRandom(seed * 7 + 1));
        for (int i = 0; i < Boards; i++)
        {
            _boards[i] = new Board(i + 1, _network.Open(BoardAddress(i + 1), VxlanHeader.IanaPort), _clock, seed);
        }
    }

    /// <summary>Runs the seed: <paramref name="faultyMs"/> of faults and work, then healing; the broken invariants (empty: none).</summary>
    public List<string> Run(int faultyMs = 6000, int healMs = 3000)
    {
        var broken = new List<string>();
        _network.Faults = new Faults { Loss = 0.01, Duplication = 0.01, DelayMs = 1, JitterMs = 3 };
        for (int ms = 0; ms < faultyMs; ms++)
        {
            Chaos(ms);
            Work(ms, broken);
            Step();
        }

        // Heal: no faults, no partitions, every endpoint ready, no policy; finished work is kept, the rest let go.
        _network.Faults = Faults.None;
        for (int a = 1; a <= Boards; a++)
        {
            for (int b = 1; b <= Boards; b++)
            {
                _network.Partition(BoardAddress(a), BoardAddress(b), cut: false);
            }
        }

        for (int i = 0; i < Boards; i++)
        {
            _ready[i] = true;
            _isolated[i] = false;
        }

        Changed();
        foreach (Transfer t in _transfers)
        {
            t.Socket.Abort();
        }

        _transfers.Clear();
        for (int ms = 0; ms < healMs; ms++)
        {
            HostSync(ms);
            Step();
        }

        Check(broken);
        return broken;
    }

    // Faults drawn from the seed, about once a second each.
    private void Chaos(int ms)
    {
        if (_random.Next(1000) == 0)
        {
            int a = 1 + _random.Next(Boards), b = 1 + _random.Next(Boards);
            if (a != b)
            {
                Partitions++;
                bool cut = _random.Next(2) == 0;
                _network.Partition(BoardAddress(a), BoardAddress(b), cut);
            }
        }

        if (_random.Next(700) == 0)
        {
            int board = _random.Next(Boards);
            _ready[board] = !_ready[board];
            Changed();
        }

        if (_random.Next(900) == 0)
        {
            int board = _random.Next(Boards);
            _isolated[board] = !_isolated[board];
            Changed();
        }

        if (_random.Next(1500) == 0)
        {
            // A reboot right after the host sent a snapshot: the frame dies with the line.
            Board board = _boards[_random.Next(Boards)];
            board.HostSend(StateFor(board.Number), force: true);
            board.Reboot();
            Reboots++;
        }
    }

    // The model changed: every board's state is recompiled and its generation moves on.
    private void Changed()
    {
        foreach (Board b in _boards)
        {
            b.Desired++;
        }
    }

    private void Work(int ms, List<string> broken)
    {
        if (ms % 50 == 0 && _transfers.Count < 4)
        {
            Board from = _boards[_random.Next(Boards)];
            PodSandbox client = from.Client;
            if (client != null)
            {
                TcpSocket socket = client.Connect(Vip, 7);
                if (socket != null)
                {
                    byte[] payload = new byte[256 + _random.Next(3000)];
                    for (int i = 0; i < payload.Length; i++)
                    {
                        payload[i] = (byte)_random.NextUInt32();
                    }

                    _transfers.Add(new Transfer(socket, payload, ms));
                }
            }
        }

        if (ms % 100 == 0)
        {
            Board from = _boards[_random.Next(Boards)];
            if (from.Client != null)
            {
                UdpSocket dns = from.Client.OpenUdp(_nextPort++);
                if (_nextPort > 60000)
                {
                    _nextPort = 20000;
                }

                if (dns != null)
                {
                    byte[] query = { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, (byte)'w', (byte)'e', (byte)'b', 7, (byte)'d', (byte)'e', (byte)'f', (byte)'a', (byte)'u', (byte)'l', (byte)'t', 3, (byte)'s', (byte)'v', (byte)'c', 7, (byte)'c', (byte)'l', (byte)'u', (byte)'s', (byte)'t', (byte)'e', (byte)'r', 5, (byte)'l', (byte)'o', (byte)'c', (byte)'a', (byte)'l', 0, 0, 1, 0, 1 };
                    dns.SendTo(from.Agent.Node.Config.DnsAddress, 53, query, 0, query.Length);
                    from.Questions.Add((dns, ms));
                }
            }
        }

        foreach (Board b in _boards)
        {
            b.Questions.RemoveAll(q =>
            {
                if (q.Socket.HasData)
                {
                    DnsAnswers++;
                    q.Socket.Close();
                    return true;
                }

                if (ms - q.Started > 500)
                {
                    q.Socket.Close();
                    return true;
                }

                return false;
            });
        }

        _transfers.RemoveAll(t =>
        {
            t.Pump();
            if (t.Received == t.Payload.Length)
            {
                if (!t.Exact)
                {
                    broken.Add($"a transfer of {t.Payload.Length} bytes came back different");
                }

                TransfersFinished++;
                t.Socket.Close();
                return true;
            }

            if (t.Socket.IsClosed || ms - t.Started > 4000)
            {
                TransfersAbandoned++;
                t.Socket.Abort();
                return true;
            }

            return false;
        });

        HostSync(ms);
    }

    // Every 10 ms the host sends each board that is behind its state.
    private void HostSync(int ms)
    {
        if (ms % 10 == 0)
        {
            foreach (Board b in _boards)
            {
                b.HostSend(StateFor(b.Number), force: false);
            }
        }
    }

    private void Step()
    {
        _clock.Milliseconds++;
        _network.Deliver();
        for (int round = 0; round < 16; round++)
        {
            int work = 0;
            foreach (Board b in _boards)
            {
                work += b.Poll();
            }

            if (work == 0)
            {
                break;
            }
        }

        foreach (Board b in _boards)
        {
            Snapshots += b.HostRead();
        }
    }

    /// <summary>What the host compiles for board n from its model.</summary>
    private DesiredState StateFor(int n)
    {
        var peers = new List<PeerSpec>();
        for (int i = 1; i <= Boards; i++)
        {
            if (i != n)
            {
                peers.Add(new PeerSpec { Name = $"node-{i}", PodNetwork = PodNetwork(i), PrefixLength = 24, Address = BoardAddress(i), Port = VxlanHeader.IanaPort });
            }
        }

        var endpoints = Enumerable.Range(1, Boards).Where(i => _ready[i - 1]).ToArray();
        var web = new Service { Namespace = "default", Name = "web", ClusterIp = Vip, Port = 7, Protocol = IpProtocol.Tcp };
        web.SetEndpoints(endpoints.Select(WebAddress).ToArray(), endpoints.Select(_ => (ushort)7).ToArray(),
            endpoints.Select(i => (byte)(EndpointFlags.Ready | EndpointFlags.Serving | (i == n ? EndpointFlags.Local : 0))).ToArray());
        PolicySet? policies = null;
        if (_isolated[n - 1])
        {
            // web-n takes only the cluster's client pods (the .3 of every board).
            policies = new PolicySet(1, 1, 1 + Boards, 0);
            policies.AddPolicy("default/clients-only", PolicyTypes.Ingress);
            policies.AddSubject(WebAddress(n));
            policies.AddRule(RuleFlags.AnyPort);
            for (int i = 1; i <= Boards; i++)
            {
                policies.AddPeer(ClientAddress(i), 32, false);
            }
        }

        return new DesiredState
        {
            Generation = _boards[n - 1].Desired,
            PodNetwork = PodNetwork(n),
            Peers = peers.ToArray(),
            Pods = [new PodSpec { Namespace = "default", Name = $"web-{n}", Uid = $"u-web-{n}", Address = WebAddress(n), Containers = ContainerSpec.One("echo") },
                    new PodSpec { Namespace = "default", Name = $"client-{n}", Uid = $"u-client-{n}", Address = ClientAddress(n), Containers = ContainerSpec.One("toolbox") }],
            Services = [web],
            Policies = policies,
            ClusterPodAddresses = Enumerable.Range(1, Boards).SelectMany(i => new[] { WebAddress(i), ClientAddress(i) }).ToArray(),
            ClusterPodNamespaces = Enumerable.Range(1, Boards * 2).Select(_ => "default").ToArray(),
        };
    }

    // As SimCluster numbers boards: board i at 192.168.50.(10+i), pods in 10.244.i.0/24.
    private static uint BoardAddress(int board) => Ipv4Address.FromOctets(192, 168, 50, (byte)(10 + board));

    private static uint PodNetwork(int board) => Ipv4Address.FromOctets(10, 244, (byte)board, 0);

    private static uint WebAddress(int board) => PodNetwork(board) + 2;

    private static uint ClientAddress(int board) => PodNetwork(board) + 3;

    private void Check(List<string> broken)
    {
        foreach (Board b in _boards)
        {
            string name = $"node-{b.Number}";
            if (b.Agent.AppliedGeneration != b.Desired)
            {
                broken.Add($"{name} applied generation {b.Agent.AppliedGeneration}, the host's is {b.Desired}");
                continue;
            }

            Service? web = b.Agent.Node.Proxy.Services.Find("default", "web", "");
            uint[] want = Enumerable.Range(1, Boards).Select(WebAddress).ToArray();
            if (web == null || !web.EndpointAddresses.Take(web.EndpointCount).SequenceEqual(want))
            {
                broken.Add($"{name}'s endpoints for web are not the host's after healing");
            }

            if (b.Agent.Node.Policy?.Set != null)
            {
                broken.Add($"{name} still enforces a policy the host removed");
            }

            Node node = b.Agent.Node;
            if (node.Proxy.Conntrack.Count > node.Proxy.Conntrack.Capacity || node.PodCount > node.Config.MaxPods)
            {
                broken.Add($"{name} holds more than its tables' capacity");
            }
        }

        // Quiet now: every buffer is back in its pool but those parked in pods' receive queues.
        for (int ms = 0; ms < IpInterface.PendingTimeoutMs + 100; ms++)
        {
            Step();
        }

        foreach (Board b in _boards)
        {
            PacketPool pool = b.Agent.Node.Context.Pool;
            if (pool.Available != pool.Capacity)
            {
                broken.Add($"node-{b.Number} leaked {pool.Capacity - pool.Available} packet buffers");
            }
        }
    }

    private sealed class Transfer(TcpSocket socket, byte[] payload, int started)
    {
        private readonly byte[] _buffer = new byte[4096];
        private int _sent;
        public readonly TcpSocket Socket = socket;
        public readonly byte[] Payload = payload;
        public readonly int Started = started;
        public int Received;
        public bool Exact = true;

        public void Pump()
        {
            if (_sent < Payload.Length && Socket.IsConnected)
            {
                _sent += Math.Max(0, Socket.Send(Payload, _sent, Payload.Length - _sent));
            }

            int n;
            while ((n = Socket.Receive(_buffer, 0, _buffer.Length)) > 0)
            {
                for (int i = 0; i < n && Received + i < Payload.Length; i++)
                {
                    Exact &= _buffer[i] == Payload[Received + i];
                }

                Received += n;
            }
        }
    }

    /// <summary>A board as the firmware runs it, and the host's end of its management line.</summary>
    private sealed class Board
    {
        private readonly SimClock _clock;
        private readonly IDatagramPort _port;
        private readonly ulong _seed;
        private readonly PayloadWriter _writer = new();
        private readonly byte[] _frame = new byte[Frame.HeaderLength + Frame.MaxPayload + Frame.TrailerLength];
        private SimLine _line = new();
        private FrameReader _hostReader = new();
        private uint _acked;
        private uint _sentGeneration;
        private long _sentAt = long.MinValue;
        private ushort _requestId;

        public readonly int Number;
        public NodeAgent Agent = null!;
        public BoardSession Session = null!;
        public uint Desired = 1;
        public readonly List<(UdpSocket Socket, int Started)> Questions = [];

        public Board(int number, IDatagramPort port, SimClock clock, ulong seed)
        {
            Number = number;
            _port = port;
            _clock = clock;
            _seed = seed;
            Boot();
        }

        public PodSandbox Client => Agent.Node?.FindPod("default", $"client-{Number}")!;

        // Power on: a fresh agent and session (nothing kept), the line plugged in.
        private void Boot()
        {
            var identity = new NodeConfig { Name = $"node-{Number}", Address = BoardAddress(Number) };
            Agent = new NodeAgent(identity, _clock, new SimRandom(_seed * 13 + (ulong)Number), _port, null!);
            Session = new BoardSession(Agent, new NodeConfigIdentity { Name = identity.Name, Address = identity.Address });
            _line = new SimLine();
            _hostReader = new FrameReader();
            Session.Attach(_line, _clock.Milliseconds);
            _acked = 0;
            _sentGeneration = 0;
        }

        public void Reboot()
        {
            if (Agent.Node != null)
            {
                Agent.Node.Shutdown();
            }

            Questions.Clear();
            Boot();
        }

        public int Poll()
        {
            Session.Poll(_clock.Milliseconds);
            return Agent.Poll();
        }

        /// <summary>Sends the board its state when it is behind and nothing is in flight (or what is has gone unanswered for 200 ms).</summary>
        public void HostSend(DesiredState state, bool force)
        {
            if (!force && (_acked == Desired || (_sentGeneration == Desired && _clock.Milliseconds - _sentAt < 200)))
            {
                return;
            }

            _writer.Begin(_frame, Frame.HeaderLength, _frame.Length - Frame.TrailerLength);
            StatePart.WriteHeader(_writer, state.Generation, 0, 0); // the state whole, in one part
            StateCodec.Encode(state, _writer);
            int length = Frame.Seal(_frame, 0, MessageType.Snapshot, ++_requestId, _writer.Length);
            _line.ToBoard(_frame, length);
            _sentGeneration = state.Generation;
            _sentAt = _clock.Milliseconds;
        }

        /// <summary>Reads the board's frames: acknowledgements move the host's idea of what it runs. Returns snapshots acknowledged.</summary>
        public int HostRead()
        {
            int acks = 0;
            byte[]? bytes = _line.FromBoard();
            if (bytes == null)
            {
                return 0;
            }

            _hostReader.Push(bytes, 0, bytes.Length);
            while (_hostReader.Next())
            {
                if (_hostReader.Type == MessageType.Ack)
                {
                    var r = new PayloadReader();
                    r.Begin(_hostReader.Payload, _hostReader.PayloadOffset, _hostReader.PayloadLength);
                    uint generation = r.Varint();
                    string error = r.String();
                    if (error == null && generation > _acked)
                    {
                        _acked = generation;
                        acks++;
                    }
                }
                else if (_hostReader.Type == MessageType.Hello)
                {
                    _acked = 0; // a board that (re)started: send it everything again
                    _sentGeneration = 0;
                }
            }

            return acks;
        }
    }

    /// <summary>A management line in memory: the board's end as the firmware sees its UART.</summary>
    private sealed class SimLine : IByteStream
    {
        private readonly Queue<byte> _toBoard = new();
        private readonly List<byte> _fromBoard = [];

        public void ToBoard(byte[] bytes, int length)
        {
            for (int i = 0; i < length; i++)
            {
                _toBoard.Enqueue(bytes[i]);
            }
        }

        public byte[]? FromBoard()
        {
            if (_fromBoard.Count == 0)
            {
                return null;
            }

            byte[] bytes = _fromBoard.ToArray();
            _fromBoard.Clear();
            return bytes;
        }

        public int Read(byte[] buffer, int offset, int length)
        {
            int n = 0;
            while (n < length && _toBoard.Count > 0)
            {
                buffer[offset + n++] = _toBoard.Dequeue();
            }

            return n;
        }

        public int Write(byte[] buffer, int offset, int length)
        {
            for (int i = 0; i < length; i++)
            {
                _fromBoard.Add(buffer[offset + i]);
            }

            return length;
        }
    }
}
