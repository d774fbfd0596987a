using System.Text;
using System.Text.Json.Nodes;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Tests.Simulation;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;
using Edge.Host.Compile;
using Edge.Host.Manifests;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Policy;

/// <summary>
/// The upstream network policy e2e suite's cluster (test/e2e/network/netpol), run as boards in
/// one process: namespaces x, y and z, pods a, b and c in each (labelled pod=a and so on), spread
/// over three boards, every pod serving TCP and UDP on ports 80 and 81 (container ports named
/// serve-80-tcp and so on, as upstream's agnhost pods). Policies are compiled by the host's
/// compiler for each board and sent through the state codec, as a board receives them; probes
/// are real connections through the boards' dataplanes, all 81 at once.
/// </summary>
public sealed class ProbeLab
{
    public static readonly string[] Namespaces = ["x", "y", "z"];
    public static readonly string[] PodNames = ["a", "b", "c"];

    private const int ProbeMs = 600; // a dropped SYN is not retried inside this: connected or not is decided
    private readonly SimClock _clock = new();
    private readonly SimNetwork _network;
    private readonly Node[] _nodes = new Node[3];
    private readonly Dictionary<string, (PodSandbox Pod, int Board)> _pods = new();
    private readonly List<Server> _servers = [];
    private readonly Dictionary<string, string> _podLabels = new();
    private readonly Dictionary<string, Dictionary<string, string>> _namespaceLabels = new();
    private List<KubeObject> _policies = [];
    private ushort _nextPort = 20000;

    public ProbeLab(ulong seed)
    {
        _network = new SimNetwork(_clock, new SimRandom(seed));
        for (int i = 1; i <= 3; i++)
        {
            var config = new NodeConfig
            {
                Name = $"node-{i}",
                Address = Ipv4Address.FromOctets(192, 168, 50, (byte)(10 + i)),
                PodNetwork = Ipv4Address.FromOctets(10, 244, (byte)i, 0),
                MaxSocketsPerPod = 40,
                PacketBuffers = 256,
                BridgeQueue = 256,
                PendingArpPackets = 64, // 81 probes start at once: many wait for the same neighbour
            };
            _nodes[i - 1] = new Node(config, _clock, new SimRandom(seed * 31 + (ulong)i), _network.Open(config.Address, config.VxlanPort));
        }

        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                if (i != j)
                {
                    Assert.True(_nodes[i].AddPeer(_nodes[j].Config.PodNetwork, 24, _nodes[j].Config.Address, VxlanHeader.IanaPort));
                }
            }
        }

        int next = 0;
        foreach (string ns in Namespaces)
        {
            _namespaceLabels[ns] = new Dictionary<string, string> { ["ns"] = ns };
            foreach (string name in PodNames)
            {
                int board = next++ % 3;
                PodSandbox pod = _nodes[board].AddPod(ns, name, 0);
                _pods[$"{ns}/{name}"] = (pod, board);
                _podLabels[$"{ns}/{name}"] = name;
                _servers.Add(new Server(pod));
            }
        }
    }

    public static IEnumerable<string> AllPods => Namespaces.SelectMany(ns => PodNames.Select(p => $"{ns}/{p}"));

    public uint AddressOf(string pod) => _pods[pod].Pod.Address;

    public void SetNamespaceLabel(string ns, string key, string value) => _namespaceLabels[ns][key] = value;

    public void SetPodLabel(string pod, string value) => _podLabels[pod] = value;

    /// <summary>Replaces the cluster's policies with these (YAML documents, checked as `edgectl apply` checks them) and gives every board its set.</summary>
    public void Apply(string yaml)
    {
        var docs = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        ManifestReader.Parse("policies.yaml", yaml, docs, problems);
        Assert.Empty(problems);
        Assert.DoesNotContain(docs.SelectMany(ManifestValidator.Validate), p => !p.IsWarning);
        _policies = docs.Select(d => d.Object).ToList();
        Push();
    }

    /// <summary>Compiles the policies for each board and hands the set over as the board gets it: encoded in a state, decoded on the board.</summary>
    public void Push()
    {
        List<KubeObject> pods = _pods.Select(p => PodObject(p.Key, p.Value.Pod, p.Value.Board)).ToList();
        List<KubeObject> namespaces = _namespaceLabels.Select(n => NamespaceObject(n.Key, n.Value)).ToList();
        for (int board = 0; board < 3; board++)
        {
            Node node = _nodes[board];
            PolicySet? set = NetworkPolicyCompiler.Compile(node.Config.Name, pods, namespaces, _policies, node.Config.DnsAddress);
            var state = new DesiredState { PodNetwork = node.Config.PodNetwork, Policies = set };
            byte[] buffer = new byte[Frame.MaxPayload];
            var w = new PayloadWriter();
            w.Begin(buffer, 0, buffer.Length);
            StateCodec.Encode(state, w);
            Assert.False(w.Overflow);
            var r = new PayloadReader();
            r.Begin(buffer, 0, w.Length);
            DesiredState? decoded = StateCodec.Decode(r);
            Assert.NotNull(decoded);
            node.EnforcePolicies(decoded!.Policies);
        }
    }

    private KubeObject PodObject(string key, PodSandbox pod, int board)
    {
        string ports = string.Join(", ", new[] { 80, 81 }.SelectMany(p => new[] { "TCP", "UDP" }.Select(proto =>
            $$$"""{"name": "serve-{{{p}}}-{{{proto.ToLowerInvariant()}}}", "containerPort": {{{p}}}, "protocol": "{{{proto}}}"}""")));
        return new KubeObject((JsonObject)JsonNode.Parse($$$"""
            {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "{{{pod.Name}}}", "namespace": "{{{pod.Namespace}}}", "labels": {"pod": "{{{_podLabels[key]}}}"}},
             "spec": {"nodeName": "node-{{{board + 1}}}", "containers": [{"name": "cont", "image": "agnhost", "ports": [{{{ports}}}]}]},
             "status": {"phase": "Running", "podIP": "{{{Ipv4Address.Format(pod.Address)}}}"}}
            """)!);
    }

    private static KubeObject NamespaceObject(string name, Dictionary<string, string> labels) => new((JsonObject)JsonNode.Parse(
        $$$"""{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "{{{name}}}", "labels": {{{new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)JsonValue.Create(l.Value)))).ToJsonString()}}}}}""")!);

    /// <summary>Every pod to every pod on port/protocol, all at once: the matrix of who connected.</summary>
    public Reachability Probe(ushort port, byte protocol)
    {
        var probes = new List<(string From, string To, Func<bool> Done, Action Close)>();
        foreach (string from in AllPods)
        {
            foreach (string to in AllPods)
            {
                PodSandbox client = _pods[from].Pod;
                uint address = AddressOf(to);
                if (protocol == IpProtocol.Tcp)
                {
                    TcpSocket socket = client.Connect(address, port) ?? throw new InvalidOperationException($"{from}: no socket");
                    bool connected = false;
                    probes.Add((from, to, () => connected |= socket.IsConnected, socket.Abort));
                }
                else
                {
                    UdpSocket socket = client.OpenUdp(_nextPort++) ?? throw new InvalidOperationException($"{from}: no UDP socket");
                    socket.SendTo(address, port, Encoding.ASCII.GetBytes(from), 0, from.Length);
                    probes.Add((from, to, () => socket.HasData, socket.Close));
                }
            }
        }

        var results = new Dictionary<(string, string), bool>();
        for (int ms = 0; ms < ProbeMs; ms++)
        {
            Step();
            foreach (var probe in probes)
            {
                if (probe.Done())
                {
                    results[(probe.From, probe.To)] = true;
                }
            }
        }

        foreach (var probe in probes)
        {
            probe.Close();
        }

        Run(100); // resets and closes go out before the next probe
        var matrix = new Reachability();
        foreach (var probe in probes)
        {
            matrix.Set(probe.From, probe.To, results.ContainsKey((probe.From, probe.To)));
        }

        return matrix;
    }

    private void Run(int ms)
    {
        for (int i = 0; i < ms; i++)
        {
            Step();
        }
    }

    private void Step()
    {
        _clock.Milliseconds++;
        _network.Deliver();
        for (int round = 0; round < 64; round++)
        {
            int work = 0;
            foreach (Node node in _nodes)
            {
                work += node.Poll();
            }

            foreach (Server server in _servers)
            {
                server.Poll();
            }

            if (work == 0)
            {
                break;
            }
        }
    }

    /// <summary>agnhost's porter as far as probes need it: accepts TCP on 80 and 81, echoes UDP on 80 and 81.</summary>
    private sealed class Server
    {
        private readonly TcpSocket[] _listeners;
        private readonly UdpSocket[] _udp;
        private readonly List<TcpSocket> _accepted = [];
        private readonly byte[] _datagram = new byte[64];

        public Server(PodSandbox pod)
        {
            _listeners = [pod.Listen(80, 16)!, pod.Listen(81, 16)!];
            _udp = [pod.OpenUdp(80)!, pod.OpenUdp(81)!];
        }

        public void Poll()
        {
            foreach (TcpSocket listener in _listeners)
            {
                while (listener.Accept() is TcpSocket connection)
                {
                    _accepted.Add(connection);
                }
            }

            _accepted.RemoveAll(c =>
            {
                if (c.IsClosed || c.PeerFinished)
                {
                    c.Abort();
                    return true;
                }

                return false;
            });
            foreach (UdpSocket socket in _udp)
            {
                int length;
                while ((length = socket.ReceiveFrom(_datagram, 0, _datagram.Length, out uint from, out ushort fromPort)) >= 0)
                {
                    socket.SendTo(from, fromPort, _datagram, 0, length);
                }
            }
        }
    }
}

/// <summary>Who reaches whom, printed in upstream's layout: a "-" corner, sources down, destinations across, "." connected, "X" blocked.</summary>
public sealed class Reachability
{
    private readonly Dictionary<(string From, string To), bool> _cells = new();

    /// <summary>Everyone reaches everyone: what a cluster without policy shows, and where expectations start.</summary>
    public static Reachability AllConnected()
    {
        var r = new Reachability();
        foreach (string from in ProbeLab.AllPods)
        {
            foreach (string to in ProbeLab.AllPods)
            {
                r.Set(from, to, true);
            }
        }

        return r;
    }

    public void Set(string from, string to, bool connected) => _cells[(from, to)] = connected;

    /// <summary>
    /// A pod reaching its own address: delivered inside its sandbox, never on the wire, so no
    /// policy applies (upstream's AllowLoopback, applied after every expectation likewise).
    /// </summary>
    public Reachability AllowLoopback()
    {
        foreach (string pod in ProbeLab.AllPods)
        {
            _cells[(pod, pod)] = true;
        }

        return this;
    }

    /// <summary>Sets every cell whose source and destination match ("x/*" for a namespace, "*" for all).</summary>
    public Reachability Expect(string from, string to, bool connected)
    {
        foreach (var key in _cells.Keys.ToList())
        {
            if (Matches(from, key.From) && Matches(to, key.To))
            {
                _cells[key] = connected;
            }
        }

        return this;
    }

    private static bool Matches(string pattern, string pod) =>
        pattern == "*" || pattern == pod || (pattern.EndsWith("/*", StringComparison.Ordinal) && pod.StartsWith(pattern[..^1], StringComparison.Ordinal));

    public bool Equals(Reachability other) => _cells.All(c => other._cells.TryGetValue(c.Key, out bool v) && v == c.Value);

    public override string ToString()
    {
        var text = new StringBuilder("-\t" + string.Join("\t", ProbeLab.AllPods) + "\n");
        foreach (string from in ProbeLab.AllPods)
        {
            text.Append(from);
            foreach (string to in ProbeLab.AllPods)
            {
                text.Append('\t').Append(_cells.TryGetValue((from, to), out bool v) ? (v ? "." : "X") : "?");
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
