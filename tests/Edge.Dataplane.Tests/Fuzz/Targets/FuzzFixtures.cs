using Edge.Dataplane.Agent;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;

namespace Edge.Fuzz;

/// <summary>
/// The small cluster the harnesses feed: two boards as the firmware runs them (AgentLab, from
/// the on-device tests' simulation kit). Board 1 holds a toolbox pod "client" (10.244.1.5);
/// board 2 holds one pod per built-in server: whoami "web" (10.244.2.7, the golden frames'
/// destination), echo (.8), counter (.9, behind a network policy) and hello (.10). Services
/// web (10.96.0.20:80), echo (10.96.0.30:7 UDP and TCP) and a NodePort; cluster DNS at 10.96.0.10.
/// </summary>
public static class FuzzFixtures
{
    public static readonly uint ClientIp = Ipv4Address.FromOctets(10, 244, 1, 5);
    public static readonly uint WebIp = Ipv4Address.FromOctets(10, 244, 2, 7);
    public static readonly uint EchoIp = Ipv4Address.FromOctets(10, 244, 2, 8);
    public static readonly uint CounterIp = Ipv4Address.FromOctets(10, 244, 2, 9);
    public static readonly uint HelloIp = Ipv4Address.FromOctets(10, 244, 2, 10);
    public static readonly uint WebVip = Ipv4Address.FromOctets(10, 96, 0, 20);
    public static readonly uint EchoVip = Ipv4Address.FromOctets(10, 96, 0, 30);

    private const byte ReadyServing = EndpointFlags.Ready | EndpointFlags.Serving;

    /// <summary>What the host compiles for board 1 or 2 at a generation.</summary>
    public static DesiredState StateFor(int board, uint generation = 1)
    {
        int other = board == 1 ? 2 : 1;
        var state = new DesiredState
        {
            Generation = generation,
            PodNetwork = TestCluster.PodNetwork(board),
            Peers = [new PeerSpec { Name = "node-" + other, PodNetwork = TestCluster.PodNetwork(other), Address = TestCluster.BoardAddress(other) }],
            Pods = board == 1
                ? [new PodSpec { Name = "client", Uid = "uid-client", Address = ClientIp, Containers = ContainerSpec.One("toolbox") }]
                :
                [
                    new PodSpec { Name = "web", Uid = "uid-web", Address = WebIp, Containers = ContainerSpec.One("whoami") },
                    new PodSpec { Name = "echo", Uid = "uid-echo", Address = EchoIp, Containers = ContainerSpec.One("echo") },
                    new PodSpec { Namespace = "shop", Name = "counter", Uid = "uid-counter", Address = CounterIp, Containers = ContainerSpec.One("docker.io/edge/counter:1") },
                    new PodSpec { Name = "hello", Uid = "uid-hello", Address = HelloIp, Containers = ContainerSpec.One("hello") },
                ],
            ClusterPodAddresses = [ClientIp, WebIp, EchoIp, CounterIp, HelloIp],
            ClusterPodNamespaces = ["default", "default", "default", "shop", "default"],
            Policies = Policies(),
        };
        byte local = board == 2 ? EndpointFlags.Local : (byte)0;
        var web = new Service { Name = "web", PortName = "http", ClusterIp = WebVip, Port = 80, Type = ServiceType.NodePort, NodePort = 30080, ClientIpAffinity = true, AffinityTimeoutSeconds = 60 };
        web.SetEndpoints([WebIp, HelloIp], [80, 80], [(byte)(ReadyServing | local), (byte)(EndpointFlags.Serving | EndpointFlags.Terminating | local)]);
        var echoUdp = new Service { Name = "echo", PortName = "udp", ClusterIp = EchoVip, Port = 7, Protocol = IpProtocol.Udp };
        echoUdp.SetEndpoints([EchoIp], [7], [(byte)(ReadyServing | local)]);
        var echoTcp = new Service { Name = "echo", PortName = "tcp", ClusterIp = EchoVip, Port = 7, Protocol = IpProtocol.Tcp };
        echoTcp.SetEndpoints([EchoIp], [7], [(byte)(ReadyServing | local)]);
        state.Services = [web, echoUdp, echoTcp];
        state.DnsServices =
        [
            new DnsService { Name = "web", ClusterIp = WebVip, PortNames = ["http"], PortProtocols = [IpProtocol.Tcp], PortNumbers = [80] },
            new DnsService { Name = "echo", ClusterIp = EchoVip, PortNames = ["udp", "tcp"], PortProtocols = [IpProtocol.Udp, IpProtocol.Tcp], PortNumbers = [7, 7] },
            new DnsService
            {
                Namespace = "shop", Name = "db", PortNames = ["mysql"], PortProtocols = [IpProtocol.Tcp], PortNumbers = [3306],
                EndpointAddresses = [CounterIp, HelloIp], EndpointHostnames = ["db-0", null!], EndpointReady = [true, false], EndpointPorts = [3306, 3306],
            },
            new DnsService { Name = "ext", ExternalName = "db.example.com" },
        ];
        return state;
    }

    /// <summary>The counter pod takes TCP 80 from board 1's pods only; the client may reach 10/8 but 10.244.3/24 on DNS and TCP 1-1024.</summary>
    public static PolicySet Policies()
    {
        var set = new PolicySet(2, 2, 5, 3);
        bool built = set.AddPolicy("shop/counter-from-board-1", PolicyTypes.Ingress)
            && set.AddSubject(CounterIp)
            && set.AddRule(0)
            && set.AddPeer(TestCluster.PodNetwork(1), 24, false)
            && set.AddPort(IpProtocol.Tcp, 80, 80, CounterIp)
            && set.AddPolicy("default/client-egress", PolicyTypes.Egress)
            && set.AddSubject(ClientIp)
            && set.AddRule(RuleFlags.Egress)
            && set.AddPeer(Ipv4Address.FromOctets(10, 0, 0, 0), 8, false)
            && set.AddPeer(Ipv4Address.FromOctets(10, 244, 3, 0), 24, true)
            && set.AddPort(IpProtocol.Udp, 53, 53, 0)
            && set.AddPort(IpProtocol.Tcp, 1, 1024, 0);
        return built ? set : throw new InvalidOperationException("the fuzz lab's policies do not fit their set: " + set.Overflow);
    }

    /// <summary>Two boards with <see cref="StateFor"/> applied, their pods running.</summary>
    public static AgentLab Lab()
    {
        var lab = new AgentLab(2);
        for (int board = 1; board <= 2; board++)
        {
            string? problem = lab.Agent(board).Apply(StateFor(board));
            if (problem != null)
            {
                throw new InvalidOperationException("the fuzz lab's state does not apply: " + problem);
            }
        }

        return lab;
    }

    /// <summary>The snapshot payload of a state (as the host sends it).</summary>
    public static byte[] Encode(DesiredState state)
    {
        byte[] buffer = new byte[Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(state, w);
        return buffer[..w.Length];
    }

    /// <summary>A state's (or delta's) payload cut into the parts a host sends for frames of <paramref name="maxPayload"/> bytes (StatePart).</summary>
    public static byte[][] Parts(byte[] body, bool delta, uint generation, int maxPayload) =>
        StateParts.Split(body, 0, body.Length, delta, generation, maxPayload, out string? problem) ?? throw new InvalidOperationException(problem);

    /// <summary>A delta payload from generation 1 of board 2: web gone, a pod and a service added, pods and policies replaced.</summary>
    public static byte[] Delta(uint baseGeneration)
    {
        DesiredState changed = StateFor(2, baseGeneration + 1);
        changed.Pods = [.. changed.Pods, new PodSpec { Name = "web-2", Uid = "uid-web-2", Address = Ipv4Address.FromOctets(10, 244, 2, 11), Containers = ContainerSpec.One("whoami") }];
        var more = new Service { Name = "web-2", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 40), Port = 8080 };
        more.SetEndpoints([Ipv4Address.FromOctets(10, 244, 2, 11)], [80], [(byte)(ReadyServing | EndpointFlags.Local)]);
        changed.Services = [more];
        changed.DnsServices = [new DnsService { Name = "web-2", ClusterIp = more.ClusterIp }];
        byte[] buffer = new byte[Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        StateDelta.Encode(baseGeneration, StateDelta.PodsReplaced | StateDelta.PoliciesReplaced, ["default", "web"], ["default", "web"], changed, w);
        return buffer[..w.Length];
    }

    /// <summary>The DNS server of the table-driven DNS tests' zone (services, a headless service, an ExternalName, pods).</summary>
    public static DnsServer DnsServer(bool canForward)
    {
        var zone = new DnsZone("cluster.local", 5, 64, 64);
        zone.SetService(new DnsService
        {
            Name = "web", ClusterIp = WebVip,
            PortNames = ["http", "metrics"], PortProtocols = [IpProtocol.Tcp, IpProtocol.Tcp], PortNumbers = [80, 9090],
        });
        zone.SetService(new DnsService
        {
            Namespace = "kube-system", Name = "kube-dns", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 10),
            PortNames = ["dns", "dns-tcp"], PortProtocols = [IpProtocol.Udp, IpProtocol.Tcp], PortNumbers = [53, 53],
        });
        zone.SetService(new DnsService
        {
            Name = "db",
            PortNames = ["mysql"], PortProtocols = [IpProtocol.Tcp], PortNumbers = [3306],
            EndpointAddresses = [Ipv4Address.FromOctets(10, 244, 1, 5), Ipv4Address.FromOctets(10, 244, 2, 6), Ipv4Address.FromOctets(10, 244, 3, 7)],
            EndpointHostnames = ["db-0", null!, "db-2"],
            EndpointReady = [true, true, false],
            EndpointPorts = [3306, 3307, 3306],
        });
        zone.SetService(new DnsService { Name = "ext", ExternalName = "db.example.com" });
        zone.SetPod(Ipv4Address.FromOctets(10, 244, 1, 5), "default");
        zone.SetPod(Ipv4Address.FromOctets(10, 244, 2, 9), "shop");
        return new DnsServer(zone)
        {
            ServiceNetwork = Ipv4Address.FromOctets(10, 96, 0, 0), ServicePrefix = 16,
            PodNetwork = Ipv4Address.FromOctets(10, 244, 0, 0), PodPrefix = 16,
            CanForward = canForward,
        };
    }

    /// <summary>The frames of tests/Edge.Dataplane.Tests/Wire/Golden (scapy's, by name), found from the repository root.</summary>
    public static IEnumerable<KeyValuePair<string, byte[]>> GoldenFrames()
    {
        string? file = RepoFile("tests/Edge.Dataplane.Tests/Wire/Golden/golden-frames.txt");
        if (file == null)
        {
            yield break;
        }

        foreach (string line in File.ReadAllLines(file))
        {
            string[] parts = line.Split(' ');
            if (line.Length > 0 && line[0] != '#' && parts.Length == 2)
            {
                yield return new(parts[0], Convert.FromHexString(parts[1]));
            }
        }
    }

    /// <summary>The frames of the kernel's VXLAN capture (Golden/kernel-vxlan.pcap), in order.</summary>
    public static List<byte[]> KernelCapture()
    {
        var frames = new List<byte[]>();
        string? path = RepoFile("tests/Edge.Dataplane.Tests/Wire/Golden/kernel-vxlan.pcap");
        if (path == null)
        {
            return frames;
        }

        byte[] file = File.ReadAllBytes(path);
        var format = new PcapFormat();
        var record = new PcapRecord();
        if (Pcap.ParseFileHeader(file, 0, file.Length, format, out _) != WireError.None)
        {
            return frames;
        }

        for (int at = Pcap.FileHeaderLength; Pcap.ParseRecordHeader(file, at, file.Length - at, format, record) == WireError.None
            && record.CapturedLength <= file.Length - at - Pcap.RecordHeaderLength;)
        {
            at += Pcap.RecordHeaderLength;
            frames.Add(file.AsSpan(at, record.CapturedLength).ToArray());
            at += record.CapturedLength;
        }

        return frames;
    }

    /// <summary>A file or folder of the repository, when it exists, or null.</summary>
    public static string? RepoFile(string relative)
    {
        string? root = RepoRoot();
        string? path = root == null ? null : Path.Combine(root, relative);
        return File.Exists(path) || Directory.Exists(path) ? path : null;
    }

    /// <summary>The repository (where Edge.sln is, above the running assembly), or null.</summary>
    public static string? RepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
