using Edge.Dataplane.Policy;
using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Trust;
using Edge.Dataplane.Wire;

namespace Edge.VirtualBoard.Budget;

/// <summary>
/// A board of a memory class booted with the class's capacities and loaded with the workshop's
/// worst case for it (8 whoami pods, each with a readiness probe and a toolbox beside it as far
/// as the class takes them, 32 services with 64 endpoints and their DNS records, two peers),
/// measured between probes, the way the control plane brings a board up: the peers first, then the pods, then the
/// services, each as a snapshot decoded from its frame. The board is provisioned with a cluster
/// key, as one on the network is: its SessionAuth made as BootPlan.StartTrust makes it, a
/// <see cref="ControlPlaneLine"/> on its management port as BoardLoop makes one, and a control
/// plane that proved the key on it and holds an authenticated session (as BudgetProbe's on
/// nanoCLR). Its <see cref="Census"/> prices what the board then holds on a nanoFramework heap.
/// </summary>
public sealed class WorstCaseBoard
{
    public readonly NodeConfig Config;
    public readonly NodeAgent Agent;
    public readonly BoardSession Session;
    public readonly ControlPlaneLine Lines;

    /// <summary>The worst case's state as the host encodes it (one payload, before it is cut into parts).</summary>
    public readonly byte[] Snapshot;

    /// <summary>How many parts (frames) the worst case's state crossed the management line in.</summary>
    public int SnapshotParts { get; private set; }

    private readonly DesiredState _full;

    /// <summary>The management port's connections: the control plane's, and one waiting to prove the key at the peak.</summary>
    private readonly NullPlatform.Listener _listener = new();
    private readonly NullPlatform.Line _controlPlane = new();
    private readonly StepClock _clock = new();
    private readonly NullPlatform.HostSockets _hostSockets = new();

    public WorstCaseBoard(int memoryClass)
        : this(memoryClass, 8, 32)
    {
    }

    /// <summary>
    /// A board with fewer pods, services or ingress routes than the worst case (or more routes),
    /// or fewer sidecars or probes than its class takes (null: as many as it takes, a toolbox
    /// beside whoami and a readiness probe on it in as many pods), to price one more of each.
    /// </summary>
    public WorstCaseBoard(int memoryClass, int pods, int services, int ingressRoutes = IngressRouteCount, int? sidecars = null, int? probes = null)
    {
        Pods = pods;
        Services = services;
        RouteCount = ingressRoutes;
        MemoryClass = memoryClass;
        Config = new NodeConfig { Name = "node-1", Address = 0xC0A8320B };
        Edge.Dataplane.Boards.MemoryClass.Apply(memoryClass, Config);
        Sidecars = sidecars ?? Math.Clamp(Config.MaxContainers - pods, 0, pods);
        ProbedPods = probes ?? Math.Min(Config.MaxProbes, pods);
        var random = new Platform.SystemRandom();
        Agent = new NodeAgent(Config, _clock, random, new NullPlatform.Port(), _hostSockets);
        Session = new BoardSession(Agent, new NodeConfigIdentity { Name = Config.Name, Address = Config.Address, MaxPayload = Edge.Dataplane.Boards.MemoryClass.MaxPayload(memoryClass), MaxOutPayload = Edge.Dataplane.Boards.MemoryClass.MaxOutPayload(memoryClass), PodMemory = Edge.Dataplane.Boards.MemoryClass.PodMemory(memoryClass), MaxContainers = Config.MaxContainers, MaxProbes = Config.MaxProbes });

        // Provisioned as a board on the network is (BoardLoop): its key, its cluster, a control
        // plane line on the management port, and a control plane that proved the key on it.
        byte[] key = Enumerable.Range(0, SessionAuth.KeyLength).Select(i => (byte)(0x5A ^ (i * 29))).ToArray();
        BootPlan plan = BootPlan.From(new BoardSettings { Name = Config.Name, Cluster = "workshop", Key = key }, Config.Name, memoryClass);
        Session.Trust = plan.StartTrust(null);
        Session.Cluster = plan.Settings.Cluster;
        Lines = new ControlPlaneLine(_listener, Session, random);
        Authenticate(key);
        DesiredState full = State(pods, services, 0, ingressRoutes, Sidecars, ProbedPods);
        Apply(new DesiredState { Generation = 1, PodNetwork = full.PodNetwork, Peers = full.Peers });
        Apply(new DesiredState { Generation = 2, PodNetwork = full.PodNetwork, Peers = full.Peers, Pods = full.Pods });
        _full = full;
        Snapshot = Encoded(full);
        SnapshotParts = Apply(full);

        // The worst case has traffic: every pod has served requests (its access lines in the
        // node's journal, made on the first), and every service has taken connections, so its
        // per-endpoint counters exist (a board makes them on a service's first connection).
        foreach (Edge.Dataplane.Agent.RunningPod pod in Agent.Pods)
        {
            pod.Sandbox?.Log.Line("10.244.2.5:40000 \"GET / HTTP/1.1\" 200 512");
        }

        ServiceTable table = Agent.Node.Proxy.Services;
        for (int slot = 0; slot < table.Capacity; slot++)
        {
            if (table.At(slot) is { } service && table.Connections(service) == 0)
            {
                table.CountConnection(service);
            }
        }

        // And the ingress has served a request (its connection slot keeps the head buffer).
        IngressServed = ingressRoutes > 0 && ServeIngressRequest();

        // Measured between probes, as BudgetProbe measures (a probe in flight holds a connection's two ends).
        SettleProbes();
    }

    /// <summary>Pods with a toolbox beside whoami, and pods whose whoami has a readiness probe.</summary>
    public int Sidecars { get; }

    public int ProbedPods { get; }

    // Runs the board until no probe is due or in flight, then a few turns more for the probed servers to let their side go.
    private void SettleProbes()
    {
        for (int turn = 0; turn < 5000 && ProbeDue(); turn++)
        {
            _clock.Milliseconds++;
            Agent.Poll();
        }

        for (int turn = 0; turn < 5; turn++)
        {
            _clock.Milliseconds++;
            Agent.Poll();
        }
    }

    private bool ProbeDue() =>
        Agent.Pods.SelectMany(p => p.Containers).Any(c => c.Running && Enumerable.Range(0, 3).Any(k =>
            (k == ProbeSpec.Startup ? !c.Started : c.Started) && c.Spec.Probe(k) != null && c.ProbeDue(k) <= _clock.Milliseconds));

    /// <summary>The board's clock, moved by the measure (TCP's timers, TIME-WAIT) rather than by the wall clock.</summary>
    private sealed class StepClock : IClock
    {
        public long Milliseconds { get; set; } = 1;
    }

    /// <summary>Whether the worst case's ingress request was answered by a whoami pod.</summary>
    public bool IngressServed { get; }

    // A client on the ingress port asks for /web/: the board routes it to a whoami pod and relays the answer.
    private bool ServeIngressRequest()
    {
        _hostSockets.OfferIngressClient("GET /web/ HTTP/1.1\r\nHost: lab.example\r\nUser-Agent: curl/8.14.1\r\nAccept: */*\r\n\r\n"u8.ToArray());
        for (int turn = 0; turn < 5000 && !_hostSockets.ClientClosed; turn++)
        {
            _clock.Milliseconds++;
            Agent.Poll();
        }

        // Past TIME-WAIT, as the nanoCLR probe waits: what stays is what a served request leaves.
        for (int turn = 0; turn < 50; turn++)
        {
            _clock.Milliseconds += 100;
            Agent.Poll();
        }

        return _hostSockets.ClientClosed && _hostSockets.Answered > 100;
    }

    /// <summary>
    /// Opens TCP connections between the board's pods one after another (pod i to pod i+1's
    /// whoami on port 80, through the bridge), running the board until both ends of each are
    /// established: what connections cost while they last. Returns the number established.
    /// </summary>
    public int OpenConnections(int count)
    {
        int established = 0;
        for (int c = 0; c < count; c++)
        {
            PodSandbox from = Agent.Pods[c % Pods].Sandbox!;
            PodSandbox to = Agent.Pods[(c + 1) % Pods].Sandbox!;
            TcpSocket? socket = from.Connect(to.Address, 80);
            for (int turn = 0; turn < 200 && socket is { State: not TcpState.Established }; turn++)
            {
                Agent.Poll();
            }

            Agent.Poll(); // the server takes the final ACK
            established += socket is { State: TcpState.Established } ? 1 : 0;
        }

        return established;
    }

    public int MemoryClass { get; }

    /// <summary>The control plane's side of the session: its SessionAuth once it has proved the key.</summary>
    public SessionAuth HostAuth { get; private set; } = null!;

    /// <summary>
    /// The handshake as a control plane does it on the network: the board's line takes the
    /// connection as a candidate and says Hello with its nonce; the host answers with its nonce
    /// and its proof of the key; the board takes the session and proves the key back.
    /// </summary>
    private void Authenticate(byte[] key)
    {
        _listener.Offer(_controlPlane);
        Lines.Poll(_clock.Milliseconds);
        byte[] hello = _controlPlane.TakeWritten();
        int helloPayload = NetworkOrder.ReadU16(hello, 6);
        if (hello[3] != MessageType.Hello || hello.Length != Frame.HeaderLength + helloPayload + Frame.TrailerLength)
        {
            throw new InvalidOperationException("the board did not say Hello on its management port");
        }

        // The nonce follows the board's identity and trust (Messages.WriteHello, WriteHelloTrust), read as the host reads them.
        byte[] boardNonce = new byte[SessionAuth.NonceLength];
        var r = new PayloadReader();
        r.Begin(hello, Frame.HeaderLength, helloPayload);
        r.String();
        r.String();
        r.Address();
        r.Int();
        r.Varint();
        r.Int();
        r.Int();
        bool authenticating = r.Int() == Messages.LineAuthenticate;
        r.String();
        r.Address();
        if (!authenticating || !r.Raw(boardNonce, 0, boardNonce.Length))
        {
            throw new InvalidOperationException("the board's Hello asked for no authentication");
        }

        byte[] hostNonce = Enumerable.Range(0, SessionAuth.NonceLength).Select(i => (byte)(i * 71 + 3)).ToArray();
        var host = new SessionAuth(SessionAuth.Host, key, 0) { Address = Config.Address }; // the address it dials
        byte[] proof = new byte[Frame.HeaderLength + SessionAuth.NonceLength + SessionAuth.ProofLength + Frame.TrailerLength];
        hostNonce.CopyTo(proof, Frame.HeaderLength);
        host.Prove(SessionAuth.Host, boardNonce, 0, hostNonce, 0, proof, Frame.HeaderLength + SessionAuth.NonceLength);
        Frame.Seal(proof, 0, MessageType.AuthProof, 0, SessionAuth.NonceLength + SessionAuth.ProofLength);
        _controlPlane.Feed(proof);
        byte[] ok;
        if (!Lines.Poll(_clock.Milliseconds) || !Session.Authenticated
            || (ok = _controlPlane.TakeWritten())[3] != MessageType.AuthOk
            || !host.Check(SessionAuth.Board, boardNonce, 0, hostNonce, 0, ok, Frame.HeaderLength))
        {
            throw new InvalidOperationException("the board did not take the control plane that proved its key");
        }

        host.Establish(boardNonce, 0, hostNonce, 0);
        HostAuth = host;
    }

    /// <summary>Another connection on the management port, waiting to prove the key (a reconnecting control plane, a port scan): its candidate reader and Hello are the board's while it waits.</summary>
    public NullPlatform.Line ConnectionWaiting()
    {
        var line = new NullPlatform.Line();
        _listener.Offer(line);
        Lines.Poll(_clock.Milliseconds);
        return line;
    }

    public int Pods { get; }

    /// <summary>The ingress routes every board of the cluster gets.</summary>
    public int RouteCount { get; }

    public int Services { get; }

    /// <summary>Bytes on the board's heap by part: the session (with its SessionAuth), the control plane line, the node, its pods, its service/DNS tables, the applied state, shared statics.</summary>
    public NanoHeapCensus Census()
    {
        var census = new NanoHeapCensus();
        census.AddStatics("shared buffers");
        census.Add("node", Agent.Node);
        census.Add("pods", Agent.Pods);
        census.Add("session", Session);
        census.Add("control plane line", Lines);
        census.Add("applied state", Agent.AppliedState);
        return census;
    }

    /// <summary>
    /// The heap at its peak while a state in which every service changed (every endpoint moved,
    /// as when a board is lost) is decoded, the way the board decodes it: each service goes into
    /// the tables as it arrives and the one it replaces is let go. Measured once the last has
    /// arrived, before the state is applied (then applied, so the board stays consistent), with
    /// another connection on the management port waiting to prove the key (as BudgetProbe's).
    /// </summary>
    public long PeakWhileEverythingChanges()
    {
        ConnectionWaiting();
        DesiredState moved = State(Pods, Services, endpointShift: 1, ingressRoutes: RouteCount, Sidecars, ProbedPods);
        moved.Generation = Agent.AppliedGeneration + 1;
        DesiredState decoded = DecodeAsBoard(moved);
        NanoHeapCensus census = Census();
        census.Add("decoded state", decoded);
        long peak = census.TotalBytes;
        Agent.Apply(decoded);
        return peak;
    }

    /// <summary>What a resync costs above the steady heap: the same state again, decoded keeping what the board holds.</summary>
    public long ResyncPeak()
    {
        NanoHeapCensus census = Census();
        return census.Add("resync", DecodeAsBoard(_full));
    }

    /// <summary>The largest payload the board's frames carry (its Hello's figure).</summary>
    private int MaxPayload => Edge.Dataplane.Boards.MemoryClass.MaxPayload(MemoryClass);

    /// <summary>
    /// As BoardSession decodes a state: in the parts the host cuts it into for this board's frame,
    /// each through a <see cref="StateReceiver"/>, keeping what the board holds, services into
    /// the tables as they arrive.
    /// </summary>
    private DesiredState DecodeAsBoard(DesiredState state)
    {
        var receiver = new StateReceiver(MaxPayload);
        var r = new PayloadReader();
        foreach (byte[] part in Parts(state, MaxPayload))
        {
            r.Begin(part, 0, part.Length);
            if (receiver.Take(false, r, Agent.AppliedState, Agent.AppliedGeneration, Agent, null, out DesiredState? decoded, out string? error))
            {
                return decoded ?? throw new InvalidOperationException($"the board refused the worst-case state: {error}");
            }
        }

        throw new InvalidOperationException("the board did not take the worst-case state's last part");
    }

    /// <summary>
    /// Sends the state to the board as the control plane does: in parts for its frame, each sealed
    /// under the authenticated session, through its management line; returns how many parts.
    /// </summary>
    private int Apply(DesiredState state)
    {
        byte[][] parts = Parts(state, MaxPayload - SessionAuth.TrailerLength);
        ushort request = (ushort)state.Generation;
        foreach (byte[] part in parts)
        {
            byte[] frame = new byte[Frame.HeaderLength + part.Length + SessionAuth.TrailerLength + Frame.TrailerLength];
            part.CopyTo(frame, Frame.HeaderLength);
            _controlPlane.Feed(frame.AsSpan(0, HostAuth.Seal(frame, 0, MessageType.Snapshot, request, part.Length)).ToArray());
            Session.Poll(_clock.Milliseconds);
        }

        _controlPlane.TakeWritten(); // the board's Ack and heartbeats
        if (Agent.AppliedGeneration != state.Generation)
        {
            throw new InvalidOperationException($"the worst-case state does not apply: the board is at generation {Agent.AppliedGeneration}, {Session.SnapshotsRefused} states refused");
        }

        return parts.Length;
    }

    /// <summary>The state encoded and cut into the parts the host sends for payloads of <paramref name="maxPayload"/> bytes.</summary>
    private static byte[][] Parts(DesiredState state, int maxPayload)
    {
        byte[] body = Encoded(state);
        return StateParts.Split(body, 0, body.Length, false, state.Generation, maxPayload, out string? problem)
            ?? throw new InvalidOperationException($"the worst-case state cannot be cut into parts of {maxPayload} bytes: {problem}");
    }

    /// <summary>What the host sends (encoded off the board).</summary>
    public static byte[] Encoded(DesiredState state)
    {
        byte[] buffer = new byte[Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(state, w);
        return buffer.AsSpan(0, w.Length).ToArray();
    }

    /// <summary>
    /// Pods named as a Deployment names them (a toolbox beside whoami in the first
    /// <paramref name="sidecars"/>, a readiness probe on whoami's /health in the first
    /// <paramref name="probes"/>), services each with a local and a remote endpoint.
    /// </summary>
    public static DesiredState State(int podCount, int serviceCount, int endpointShift = 0, int ingressRoutes = IngressRouteCount, int sidecars = 0, int probes = 0)
    {
        int spread = Math.Max(podCount, 1);
        var pods = Enumerable.Range(0, podCount).Select(i => new PodSpec
        {
            Namespace = "default", Name = $"web-6d4b9c7f5-{i:x5}", Uid = $"0b1c2d{i:x2}", // the uid's first 8 hex digits, as the host sends it (PodIncarnation)
            Address = 0x0AF40102u + (uint)i, Containers = Containers(i < sidecars, i < probes),
        }).ToArray();
        var services = Enumerable.Range(0, serviceCount).Select(i =>
        {
            // Four kinds of port, as a workshop's manifests have them (boards share equal small arrays, so not all alike).
            (string portName, ushort port, byte protocol) = (i % 4) switch
            {
                0 => ("http", (ushort)80, IpProtocol.Tcp),
                1 => ("web", (ushort)8080, IpProtocol.Tcp),
                2 => ("dns", (ushort)53, IpProtocol.Udp),
                _ => ("https", (ushort)443, IpProtocol.Tcp),
            };
            // svc-0, the ingress exercise's web app, keeps its traffic on the node (internalTrafficPolicy: Local),
            // so the worst case's ingress request is answered on the board (the other endpoint's board is not there).
            var s = new Service { Namespace = "default", Name = $"svc-{i}", PortName = portName, ClusterIp = 0x0A600010u + (uint)i, Port = port, Protocol = protocol, InternalTrafficLocal = i == 0 };
            s.SetEndpoints([0x0AF40102u + (uint)((i + endpointShift) % spread), 0x0AF40202u + (uint)(i % spread) + (uint)(endpointShift << 8)], [port, port],
                [(byte)(EndpointFlags.Ready | EndpointFlags.Serving | EndpointFlags.Local), (byte)(EndpointFlags.Ready | EndpointFlags.Serving)]);
            return s;
        }).ToArray();
        return new DesiredState
        {
            Generation = 3,
            PodNetwork = 0x0AF40100,
            Peers = [new PeerSpec { Name = "node-2", PodNetwork = 0x0AF40200, PrefixLength = 24, Address = 0xC0A8320C }, new PeerSpec { Name = "node-3", PodNetwork = 0x0AF40300, PrefixLength = 24, Address = 0xC0A8320D }],
            Pods = pods,
            Services = services,
            // As the host compiles them: ClusterIP services are answered from the service table, so no DNS entries of their own.
            DnsServices = [],
            ClusterPodAddresses = pods.Select(p => p.Address).ToArray(),
            ClusterPodNamespaces = pods.Select(p => p.Namespace).ToArray(),
            Policies = Policies(podCount),
            Ingress = ingressRoutes > 0 ? IngressLoad(ingressRoutes) : null,
        };
    }

    // As BudgetProbe's: whoami (with a readiness probe on its /health, every second), a toolbox beside it.
    private static ContainerSpec[] Containers(bool sidecar, bool probed)
    {
        ContainerSpec whoami = ContainerSpec.One("whoami")[0];
        if (probed)
        {
            var ready = new ProbeSpec { Handler = ProbeSpec.HttpGet, Port = 80, Words = ["/health"] };
            ready.SetTiming(0, 1, 1, 1, 3);
            whoami.Probes = [null!, null!, ready];
        }

        return sidecar ? [whoami, new ContainerSpec { Name = "toolbox", Image = "toolbox" }] : [whoami];
    }

    /// <summary>The number of ingress routes in the worst case (<see cref="IngressLoad"/>).</summary>
    public const int IngressRouteCount = 8;

    /// <summary>
    /// The workshop's ingress exercise, which every board serves: two apps on one address by path
    /// and by host, a wildcard host and a default backend: eight routes (as BudgetProbe's); beyond
    /// eight, one more path per route (/app-N to a service), to price a route.
    /// </summary>
    public static IngressRoutes IngressLoad(int count = IngressRouteCount)
    {
        var routes = new IngressRoutes(Math.Max(count, IngressRouteCount));
        routes.Add("", "/web", PathType.Prefix, "default", "svc-0", 80);
        routes.Add("", "/api", PathType.Prefix, "default", "svc-4", 80);
        routes.Add("", "/api/v1/health", PathType.Exact, "default", "svc-8", 80);
        routes.Add("web.lab.example", "/", PathType.Prefix, "default", "svc-0", 80);
        routes.Add("api.lab.example", "/", PathType.Prefix, "default", "svc-4", 80);
        routes.Add("*.shop.lab.example", "/", PathType.Prefix, "default", "svc-12", 80);
        routes.Add("*.shop.lab.example", "/cart", PathType.Prefix, "default", "svc-1", 8080);
        routes.Add("", "", PathType.Default, "default", "svc-16", 80);
        for (int i = IngressRouteCount; i < count; i++)
        {
            routes.Add("", $"/app-{i}", PathType.Prefix, "default", $"svc-{(i * 4) % 32}", 80);
        }

        return routes;
    }

    /// <summary>The number of network policies in the worst case: the least a WROOM board must enforce.</summary>
    public const int PolicyCount = 16;

    /// <summary>
    /// Sixteen workshop-sized policies, each pod selected by two: one letting TCP in from the
    /// cluster's pod CIDR but a /24, the other UDP from it but one pod (ipBlocks with excepts),
    /// by port ranges, so the worst case's traffic passes and is remembered (as BudgetProbe's).
    /// </summary>
    public static PolicySet Policies(int podCount)
    {
        var set = new PolicySet(PolicyCount, PolicyCount, PolicyCount * 3, PolicyCount, named: false);
        for (int i = 0; i < PolicyCount; i++)
        {
            set.AddPolicy(null!, PolicyTypes.Ingress);
            set.AddSubject(0x0AF40102u + (uint)((i / 2) % Math.Max(podCount, 1)));
            set.AddRule(0);
            set.AddPeer(0x0AF40000, 16, false);
            set.AddPeer(i % 2 == 0 ? 0x0AF4C800 : 0x0AF40202u + (uint)(i % Math.Max(podCount, 1)), i % 2 == 0 ? 24 : 32, true);
            set.AddPort(i % 2 == 0 ? IpProtocol.Tcp : IpProtocol.Udp, 1, 65535, 0);
        }

        return set;
    }
}
