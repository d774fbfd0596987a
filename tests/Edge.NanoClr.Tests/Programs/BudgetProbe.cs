using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Trust;
using Edge.Dataplane.Wire;

namespace Edge.NanoClr.Programs
{
    /// <summary>
    /// A board of one memory class (<see cref="BudgetProbeSettings.MemoryClass"/>) brought to the
    /// workshop's worst case on nanoCLR, the way a board gets there, with the managed heap's free
    /// bytes after a collection printed at each stage ("budget NAME VALUE" lines):
    /// <list type="bullet">
    /// <item>loaded: at Main, with the assemblies loaded and resolved and their static
    /// constructors run (nanoCLR runs them all before Main);</item>
    /// <item>ready: the host's side made (its encoded frames, its SessionAuth under the cluster
    /// key, the fake platform and the board's boot plan with its provisioned key), before the board;</item>
    /// <item>board: the board, provisioned with a cluster key as a board on the network is
    /// (its SessionAuth made as BootPlan.StartTrust makes it, a ControlPlaneLine on its management
    /// port as BoardLoop makes one), after the host connected, proved the key on the board's
    /// nonce and took the session (AuthProof, AuthOk: BoardSession.AttachAuthenticated), then sent
    /// its five snapshots over the authenticated session, each sealed (sequence number and MAC)
    /// and opened by the board (peers; the pods in three steps, whoami alone, then with the
    /// class's toolbox sidecars, then with its readiness probes, each step measured apart; then
    /// 32 services of four port kinds with 64 endpoints; each encoded with the dataplane's codec,
    /// read by BoardSession, decoded, applied by NodeAgent), served HTTP between its pods (whoami
    /// logs each request), saw a connection to every service through its ClusterIP, and filled
    /// its conntrack table with flows; measured between probes (none in flight, as no connection
    /// is open);</item>
    /// <item>peak: the lowest free heap while a state in which every service changed (every
    /// endpoint moved, as when a board is lost) is decoded beside the one it runs, as the
    /// board decodes it (each service into the tables as it arrives), with another connection on
    /// the management port waiting to prove the key (its candidate reader and Hello: a
    /// reconnecting control plane, or anyone else, can be there during a sync); measured as its
    /// last service arrives and again when the decode ends, before it is applied;</item>
    /// <item>after: once the changed state is applied.</item>
    /// </list>
    /// The same worst case as the census's WorstCaseBoard (host-tools/Edge.VirtualBoard/Budget),
    /// state for state. Everything the program itself keeps (frames, fakes, scratch buffers, the
    /// host's SessionAuth) is made before "ready", so what the heap loses after it is the board's,
    /// but for one thing: SHA-256's round constants, made at the first hash by whichever side hashes
    /// first, here the host's. The board holds them once it has a key, so the probe prices them
    /// ("first-use") and the figures add them to the board.
    /// </summary>
    public static class BudgetProbe
    {
        private const int Pods = 8;

        // Pods whose whoami has a readiness probe (as many as the class takes probes, one each),
        // and pods with a toolbox beside whoami (as many as the class takes containers beyond one a pod).
        private static int ProbedPods;
        private static int SidecarPods;

        /// <summary>The board's address (the host dials it; its handshake is bound to it).</summary>
        private const uint Board = 0xC0A8320B;
        private const int Services = 32;
        private const int Policies = 16;

        // Main has the same shape as BudgetBaseline's (no locals, one call), so the stack frames
        // live at the first measure are the same in both programs.
        public static void Main()
        {
            Run(Free());
        }

        private static void Run(long loaded)
        {
            Say("class", MemoryClass.Name(BudgetProbeSettings.MemoryClass));
            Say("loaded", loaded);
            Say("budget-bytes", MemoryClass.BudgetBytes(BudgetProbeSettings.MemoryClass));

            var limits = new NodeConfig();
            MemoryClass.Apply(BudgetProbeSettings.MemoryClass, limits);
            ProbedPods = limits.MaxProbes < Pods ? limits.MaxProbes : Pods;
            SidecarPods = limits.MaxContainers - Pods < Pods ? limits.MaxContainers - Pods : Pods;
            limits = null;
            var host = new Host(BudgetProbeSettings.MemoryClass);
            long ready = Free();
            Say("ready", ready);
            Say("first-use", host.FirstUse);
            Say("snapshot", host.SnapshotBytes);
            Say("snapshot-parts", host.SnapshotParts);

            // The board as the firmware assembles it (Edge.Firmware's Program.Main): capacities
            // from the memory class, an agent over the platform, a management session.
            var config = new NodeConfig();
            config.Name = "node-1";
            config.Address = Board;
            MemoryClass.Apply(BudgetProbeSettings.MemoryClass, config);
            var agent = new NodeAgent(config, host.Clock, host.Random, host.Port, host.Sockets);
            var identity = new NodeConfigIdentity();
            identity.Name = config.Name;
            identity.Address = config.Address;
            identity.MaxPods = config.MaxPods;
            identity.MaxPayload = MemoryClass.MaxPayload(BudgetProbeSettings.MemoryClass);
            identity.MaxOutPayload = MemoryClass.MaxOutPayload(BudgetProbeSettings.MemoryClass);
            identity.PodMemory = MemoryClass.PodMemory(BudgetProbeSettings.MemoryClass);
            identity.MaxContainers = config.MaxContainers;
            identity.MaxProbes = config.MaxProbes;
            var session = new BoardSession(agent, identity);

            // Provisioned, as a board on the network is (BoardLoop): its key, its cluster, a
            // control plane line on the management port.
            session.Trust = host.Plan.StartTrust(null);
            session.Cluster = host.Plan.Settings.Cluster;
            var lines = new ControlPlaneLine(host.Listener, session, host.Random);
            host.Lines = lines;
            Say("authenticated", Connect(host, lines, session) ? "yes" : "no");

            // The host brings the board up: the peers first, then the pods, then the services,
            // each state in as many parts as the board's frame needs (the last is larger than a
            // WROOM board's frame), every frame sealed under the session in the order it goes.
            // The pods come in three steps, each a new sandbox for every pod (as when a
            // Deployment's template changes): whoami alone, then with the class's toolbox
            // sidecars, then with its readiness probes too, so that what a pod, a sidecar and a
            // probe hold is measured apart.
            for (int f = 0; f < host.Frames.Length; f++)
            {
                host.Auth.Seal(host.Frames[f], 0, MessageType.Snapshot, (ushort)(host.StateOf[f] + 1), host.Bodies[f]);
            }

            // What each step of the pods' state adds (their sandboxes, images, specs and logs; the
            // sidecars' containers; the probes' state, measured between their runs) is what the
            // worst case's pods hold: the memory class's PodMemory, PodBytes, ContainerBytes and
            // ProbeBytes are checked against it.
            long before = 0;
            for (int f = 0; f < host.Frames.Length; f++)
            {
                int state = host.StateOf[f];
                host.Line.Feed(host.Frames[f]);
                bool lastPart = f + 1 == host.Frames.Length || host.StateOf[f + 1] != state;
                for (int turn = 0; turn < 50 && (host.Line.Pending || (lastPart && agent.AppliedGeneration != state + 1)); turn++)
                {
                    Turn(host, session, agent, 1);
                }

                if (!lastPart || state > 3)
                {
                    continue;
                }

                SettleProbes(host, session, agent);
                long free = Free();
                if (state > 0)
                {
                    Say(state == 1 ? "pods-bytes" : state == 2 ? "containers-bytes" : "probes-bytes", before - free);
                }

                if (state == 1)
                {
                    // The node's journal is made at its first line (its whole ring at once), which
                    // the worst case's traffic writes anyway: made now, as a whoami's first
                    // request would, so that the probes' requests' lines do not count it as theirs.
                    agent.Pods[0].Sandbox.Log.Line("10.244.1.3:40000 \"GET / HTTP/1.1\" 200");
                    free = Free();
                }

                before = free;
            }

            Say("sidecar-pods", SidecarPods);
            Say("probed-pods", ProbedPods);

            Say("applied", agent.AppliedGeneration);
            Traffic(host, session, agent);
            SettleProbes(host, session, agent);

            long board = Free();
            Say("board", board);
            Report(agent, session);

            // The peak: the changed state decoded beside the running one, as BoardSession decodes
            // it (once opened: the body), while another connection waits on the management port.
            host.Listener.Offer(host.Candidate);
            lines.Poll(host.Clock.Now);
            Say("candidate-pending", host.Candidate.Written > 0 && !host.Candidate.Closed ? "yes" : "no");

            // A resync of the same state (what a control plane sends on every reconnect: every
            // entry reused, the services' counters kept), then the changed state, measured the
            // same way: the two peaks. Both come in parts, each decoded as BoardSession.Handle
            // decodes one (a StateReceiver, the probe's own so the session's is not disturbed:
            // the same object, made before "ready"), the loop here as Handle's frame is there.
            for (int k = 0; k < 2; k++)
            {
                byte[][] parts = k == 0 ? host.Resync : host.Moved;
                host.Sink.Begin(agent, Services);
                long between = long.MaxValue;
                DesiredState state = null;
                string error = null;
                for (int i = 0; i < parts.Length; i++)
                {
                    host.Reader.Begin(parts[i], 0, parts[i].Length);
                    if (host.Receiver.Take(false, host.Reader, agent.AppliedState, agent.AppliedGeneration, host.Sink, null, out state, out error))
                    {
                        break;
                    }

                    long free = Free(); // the decode's cursor and the state so far, held between frames
                    between = free < between ? free : between;
                }

                long decoded = Free();
                long lowest = host.Sink.FreeAtLast < decoded ? host.Sink.FreeAtLast : decoded;
                lowest = between < lowest ? between : lowest;
                string problem = state == null ? "the state did not decode: " + error : agent.Apply(state);
                state = null;
                if (k == 0)
                {
                    Say("resync-peak", lowest);
                    Say("resync-applied", problem == null ? "yes" : problem);
                    continue;
                }

                Say("peak", lowest);
                Say("peak-at-last-service", host.Sink.FreeAtLast);
                Say("peak-between-parts", between);
                Say("peak-decoded", decoded);
                Say("moved-applied", problem == null ? "yes" : problem);
            }

            // The waiting connection proves nothing and is hung up when its time is out.
            for (int t = 0; t <= ControlPlaneLine.CandidateMs / 100; t++)
            {
                Turn(host, session, agent, 100);
            }

            Say("candidate-refused", host.Candidate.Closed ? "yes" : "no");
            Say("session-frames-refused", session.SessionsBroken);
            SettleProbes(host, session, agent);
            Say("after", Free());
            Say("probe-in-flight", ProbeInFlight(host, session, agent));
            Say("end", "ok");

            // Kept alive to the end: the board is what was measured.
            host.Keep(agent, session);
        }

        /// <summary>
        /// The control plane connects as it does on the network: the board's line takes the
        /// connection as a candidate and says Hello with a fresh nonce; the host answers with its
        /// nonce and its proof of the cluster key; the board checks it, takes the session and
        /// proves the key back (AuthOk); both derive the session key. True when the board's proof
        /// checks out on the host's side.
        /// </summary>
        private static bool Connect(Host host, ControlPlaneLine lines, BoardSession session)
        {
            host.Line.Listen();
            host.Listener.Offer(host.Line);
            lines.Poll(host.Clock.Now);

            // The board's nonce follows its identity and trust in its Hello (Messages.WriteHello, WriteHelloTrust).
            int helloPayload = NetworkOrder.ReadU16(host.Line.Heard, 6);
            if (host.Line.Heard[3] != MessageType.Hello || host.Line.HeardLength != Frame.HeaderLength + helloPayload + Frame.TrailerLength)
            {
                return false;
            }

            var hello = new PayloadReader();
            hello.Begin(host.Line.Heard, Frame.HeaderLength, helloPayload);
            hello.String();
            hello.String();
            hello.Address();
            hello.Int();
            hello.Varint();
            hello.Int();
            hello.Int();
            if (hello.Int() != Messages.LineAuthenticate)
            {
                return false;
            }

            hello.String();
            hello.Address();
            if (!hello.Raw(host.BoardNonce, 0, SessionAuth.NonceLength))
            {
                return false;
            }

            System.Array.Copy(host.HostNonce, 0, host.Proof, Frame.HeaderLength, SessionAuth.NonceLength);
            host.Auth.Prove(SessionAuth.Host, host.BoardNonce, 0, host.HostNonce, 0, host.Proof, Frame.HeaderLength + SessionAuth.NonceLength);
            Frame.Seal(host.Proof, 0, MessageType.AuthProof, 0, SessionAuth.NonceLength + SessionAuth.ProofLength);
            host.Line.Listen();
            host.Line.Feed(host.Proof);
            if (!lines.Poll(host.Clock.Now) || !session.Authenticated || lines.Line != host.Line)
            {
                return false;
            }

            bool proved = host.Line.Heard[3] == MessageType.AuthOk
                && host.Auth.Check(SessionAuth.Board, host.BoardNonce, 0, host.HostNonce, 0, host.Line.Heard, Frame.HeaderLength);
            host.Auth.Establish(host.BoardNonce, 0, host.HostNonce, 0);
            host.Line.Deaf();
            return proved;
        }

        /// <summary>
        /// What a board under load has seen: HTTP between its pods (pod i asks pod i+1's whoami,
        /// which logs the request), one connection to every service through its ClusterIP (the
        /// proxy picks an endpoint and counts it), then flows until conntrack is full. Sockets are
        /// closed when done and the clock runs past TIME-WAIT, so no connection is open at the
        /// measure (each open one costs its buffers on top: the bench prints how much).
        /// </summary>
        private static void Traffic(Host host, BoardSession session, NodeAgent agent)
        {
            int served = 0;
            for (int i = 0; i < Pods; i++)
            {
                PodSandbox from = agent.Pods[i].Sandbox;
                PodSandbox to = agent.Pods[(i + 1) % Pods].Sandbox;
                TcpSocket s = from.Connect(to.Address, 80);
                for (int turn = 0; turn < 100 && s.State != TcpState.Established && !s.IsClosed; turn++)
                {
                    Turn(host, session, agent, 1);
                }

                s.Send(host.Request, 0, host.Request.Length);
                for (int turn = 0; turn < 200 && !s.EndOfStream && !s.IsClosed; turn++)
                {
                    Turn(host, session, agent, 1);
                    while (s.Receive(host.Scratch, 0, host.Scratch.Length) > 0)
                    {
                    }
                }

                served += s.EndOfStream ? 1 : 0;
                s.Close();
                Turn(host, session, agent, 5);
            }

            Say("http-served", served);

            // A request through the board's ingress to a whoami pod: what a served request leaves
            // (the connection slot's head buffer) is the board's from then on.
            host.Sockets.OfferIngressClient(host.IngressRequest);
            for (int turn = 0; turn < 3000 && !host.Sockets.ClientClosed; turn++)
            {
                Turn(host, session, agent, 1);
            }

            Say("ingress-served", host.Sockets.ClientClosed && host.Sockets.Answered > 100 ? 1 : 0);

            ServiceTable table = agent.Node.Proxy.Services;
            int client = 0;
            for (int slot = 0; slot < table.Capacity; slot++)
            {
                Service service = table.At(slot);
                if (service == null)
                {
                    continue;
                }

                PodSandbox from = agent.Pods[client++ % Pods].Sandbox;
                if (service.Protocol == IpProtocol.Tcp)
                {
                    TcpSocket s = from.Connect(service.ClusterIp, service.Port);
                    Turn(host, session, agent, 3);
                    s.Abort();
                }
                else
                {
                    UdpSocket u = from.OpenUdp(0);
                    u.SendTo(service.ClusterIp, service.Port, host.Request, 0, 16);
                    Turn(host, session, agent, 3);
                    u.Close();
                }
            }

            // Past TIME-WAIT (and the closed connections' last segments), short of any conntrack timeout.
            for (int t = 0; t < 50; t++)
            {
                Turn(host, session, agent, 100);
            }

            // Flows until the table is full: datagrams from the pods' ephemeral ports to the UDP
            // services, a few at a time (no more than half the packet buffers in flight).
            Conntrack conntrack = agent.Node.Proxy.Conntrack;
            int batch = agent.Node.Config.PacketBuffers / 2;
            int udpSlot = 0;
            for (int round = 0; round < conntrack.Capacity && conntrack.Count < conntrack.Capacity; round++)
            {
                int open = 0;
                for (int k = 0; k < batch && k < host.Flows.Length && conntrack.Count + k < conntrack.Capacity; k++)
                {
                    Service service = NextUdpService(table, ref udpSlot);
                    host.Flows[k] = agent.Pods[(round * batch + k) % Pods].Sandbox.OpenUdp(0);
                    if (host.Flows[k] != null)
                    {
                        host.Flows[k].SendTo(service.ClusterIp, service.Port, host.Request, 0, 16);
                        open = k + 1;
                    }
                }

                Turn(host, session, agent, 1);
                for (int k = 0; k < open; k++)
                {
                    if (host.Flows[k] != null)
                    {
                        host.Flows[k].Close();
                        host.Flows[k] = null;
                    }
                }
            }
        }

        private static Service NextUdpService(ServiceTable table, ref int slot)
        {
            for (int k = 0; k < table.Capacity; k++)
            {
                Service candidate = table.At((slot + k) % table.Capacity);
                if (candidate != null && candidate.Protocol == IpProtocol.Udp)
                {
                    slot = (slot + k + 1) % table.Capacity;
                    return candidate;
                }
            }

            return null;
        }

        private static void Report(NodeAgent agent, BoardSession session)
        {
            int running = 0;
            int logged = 0;
            int containers = 0;
            int ready = 0;
            int probes = 0;
            for (int i = 0; i < agent.Pods.Length; i++)
            {
                running += agent.Pods[i].Phase == PodPhase.Running ? 1 : 0;
                logged += agent.Pods[i].Sandbox != null && agent.Pods[i].Sandbox.Log.LinesWritten > 0 ? 1 : 0;
                for (int c = 0; c < agent.Pods[i].Containers.Length; c++)
                {
                    RunningContainer container = agent.Pods[i].Containers[c];
                    containers += container.Running ? 1 : 0;
                    ready += container.Ready ? 1 : 0;
                    for (int k = 0; k < 3; k++)
                    {
                        probes += container.Spec.Probe(k) != null ? 1 : 0;
                    }
                }
            }

            ServiceTable table = agent.Node.Proxy.Services;
            int endpoints = 0;
            int connected = 0;
            for (int slot = 0; slot < table.Capacity; slot++)
            {
                Service service = table.At(slot);
                if (service != null)
                {
                    endpoints += service.EndpointCount;
                    connected += table.Connections(service) > 0 ? 1 : 0;
                }
            }

            Say("pods", running);
            Say("pods-logged", logged);
            Say("containers", containers);
            Say("containers-ready", ready);
            Say("probes", probes);
            Say("probes-run", probes > 0 ? agent.Prober.Runs : 0); // (the board makes its prober with its first probe)
            Say("probes-failed", probes > 0 ? agent.Prober.Failures : 0);
            Say("services", table.Count);
            Say("endpoints", endpoints);
            Say("services-connected", connected);
            Say("conntrack", agent.Node.Proxy.Conntrack.Count);
            Say("conntrack-capacity", agent.Node.Proxy.Conntrack.Capacity);
            PolicyEngine policy = agent.Node.Policy;
            Say("policies", policy == null ? 0 : policy.Set.PolicyCount);
            Say("policy-connections", policy == null ? 0 : policy.Connections.Count);
            Say("ingress-routes", agent.Node.Ingress == null ? 0 : agent.Node.Ingress.Routes.Count);
            Say("snapshots-applied", session.SnapshotsApplied);
            Say("snapshots-refused", session.SnapshotsRefused);
        }

        private static void Turn(Host host, BoardSession session, NodeAgent agent, int milliseconds)
        {
            host.Clock.Now += milliseconds;
            host.Lines.Poll(host.Clock.Now);
            session.Poll(host.Clock.Now);
            for (int round = 0; round < 16 && agent.Poll() > 0; round++)
            {
            }
        }

        /// <summary>
        /// Runs the board until no probe is due or in flight (every probe's next run is ahead of the
        /// clock), then a few turns more for the probed servers to let their side go: the board is
        /// measured between probes, as it is with no connection open (a probe in flight holds its
        /// two ends' buffers, a connection's worth: the figures say so apart).
        /// </summary>
        private static void SettleProbes(Host host, BoardSession session, NodeAgent agent)
        {
            for (int turn = 0; turn < 5000 && ProbeDue(agent, host.Clock.Now); turn++)
            {
                Turn(host, session, agent, 1);
            }

            for (int turn = 0; turn < 5; turn++)
            {
                Turn(host, session, agent, 1);
            }
        }

        /// <summary>
        /// What a probe in flight holds beyond the board between probes (its client end, and the
        /// probed server's end with its buffers: a connection's worth), the most over the next
        /// probes' lives, taken turn by turn; 0 for a board without probes.
        /// </summary>
        private static long ProbeInFlight(Host host, BoardSession session, NodeAgent agent)
        {
            if (ProbedPods == 0)
            {
                return 0;
            }

            long between = Free();
            long lowest = between;
            long runs = agent.Prober.Runs;
            for (int turn = 0; turn < 3000 && (agent.Prober.Runs == runs || ProbeDue(agent, host.Clock.Now)); turn++)
            {
                Turn(host, session, agent, 1);
                if (agent.Prober.Runs != runs)
                {
                    long free = Free();
                    lowest = free < lowest ? free : lowest;
                }
            }

            return agent.Prober.Runs == runs ? 0 : between - lowest;
        }

        // Whether a probe of a running container is due (or running: it is due until it ends), as the prober picks them.
        private static bool ProbeDue(NodeAgent agent, long now)
        {
            for (int i = 0; i < agent.Pods.Length; i++)
            {
                for (int c = 0; c < agent.Pods[i].Containers.Length; c++)
                {
                    RunningContainer container = agent.Pods[i].Containers[c];
                    for (int k = 0; container.Running && k < 3; k++)
                    {
                        bool runs = k == ProbeSpec.Startup ? !container.Started : container.Started;
                        if (runs && container.Spec.Probe(k) != null && container.ProbeDue(k) <= now)
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static long Free()
        {
            return nanoFramework.Runtime.Native.GC.Run(false);
        }

        private static void Say(string name, long value)
        {
            System.Console.WriteLine("budget " + name + " " + value.ToString());
        }

        private static void Say(string name, string value)
        {
            System.Console.WriteLine("budget " + name + " " + value);
        }

        /// <summary>
        /// The host's side, made before the board: the frames it sends (each state encoded with
        /// the dataplane's codec, with room for the session's sequence number and MAC: sealed once
        /// the session is up), its SessionAuth under the cluster key with its nonce and proof, the
        /// line they travel on, a clock it moves, the board's platform (a VXLAN port and host
        /// sockets that carry nothing, the management listener and a second connection that waits
        /// on it at the peak) and its boot plan (the settings the firmware loaded from flash, with
        /// the cluster key), scratch buffers.
        /// </summary>
        private sealed class Host
        {
            public readonly ManualClock Clock = new ManualClock();
            public readonly XorShift Random = new XorShift(0x2545F491);
            public readonly SilentPort Port = new SilentPort();
            public readonly SilentHostSockets Sockets = new SilentHostSockets();
            public readonly byte[] IngressRequest = Edge.Dataplane.Workloads.Ascii.Bytes("GET /web/ HTTP/1.1\r\nHost: lab.example\r\nUser-Agent: curl/8.14.1\r\nAccept: */*\r\n\r\n");
            public readonly HostLine Line = new HostLine();
            public readonly Listener Listener = new Listener();
            public readonly SilentLine Candidate = new SilentLine();
            public readonly BootPlan Plan;
            public readonly SessionAuth Auth;
            public readonly byte[] BoardNonce = new byte[SessionAuth.NonceLength];
            public readonly byte[] HostNonce = new byte[SessionAuth.NonceLength];
            public readonly byte[] Proof = new byte[Frame.HeaderLength + SessionAuth.NonceLength + SessionAuth.ProofLength + Frame.TrailerLength];
            public readonly int[] Bodies;

            /// <summary>SHA-256's round constants, made by the first SessionAuth (the host's here, the board's on a board): bytes.</summary>
            public readonly long FirstUse;
            public ControlPlaneLine Lines;
            public readonly PayloadReader Reader = new PayloadReader();
            public readonly PeakSink Sink = new PeakSink();
            public readonly StateReceiver Receiver;

            /// <summary>The frames that bring the board up, each with the state (0, 1, 2) it is a part of.</summary>
            public readonly byte[][] Frames;
            public readonly int[] StateOf;

            /// <summary>The worst case's state (the last of the three), and the parts of it and of the changed state decoded at the peak.</summary>
            public readonly int SnapshotBytes;
            public readonly int SnapshotParts;
            public readonly byte[][] Resync;
            public readonly byte[][] Moved;
            public readonly byte[] Request;
            public readonly byte[] Scratch = new byte[256];
            public readonly UdpSocket[] Flows = new UdpSocket[24]; // 8 pods, 3 sockets each beside whoami's
            private readonly byte[][] _scratchParts = new byte[5 * StatePart.MaxParts][];
            private readonly int[] _scratchStates = new int[5 * StatePart.MaxParts];
            private object _agent;
            private object _session;
            private object _spare; // the second SessionAuth while it is measured (a local the compiler drops would be collected first)

            public Host(int memoryClass)
            {
                // The board's settings as provisioned over USB: its cluster and key.
                var settings = new BoardSettings();
                settings.Name = "node-1";
                settings.Cluster = "workshop";
                settings.Key = new byte[SessionAuth.KeyLength];
                for (int i = 0; i < settings.Key.Length; i++)
                {
                    settings.Key[i] = (byte)(0x5A ^ (i * 29));
                    HostNonce[i % SessionAuth.NonceLength] ^= (byte)(i * 71 + 3);
                }

                Plan = BootPlan.From(settings, "node-1", memoryClass);

                // The host's SessionAuth, and what the first one costs beyond the second.
                long before = Free();
                Auth = new SessionAuth(SessionAuth.Host, settings.Key, 0);
                Auth.Address = Board; // the address it dials: the proofs are bound to it
                long first = Free();
                _spare = new SessionAuth(SessionAuth.Host, settings.Key, 0);
                long again = Free();
                FirstUse = (before - first) - (first - again);
                Say("session-auth", first - again); // one SessionAuth: its keys, its HMAC and SHA-256 state
                _spare = null;

                byte[] buffer = new byte[Frame.MaxPayload];
                int maxPayload = MemoryClass.MaxPayload(memoryClass);
                Receiver = new StateReceiver(maxPayload);
                DesiredState full = State(Pods, Services, 0, SidecarPods, ProbedPods);
                var peers = new DesiredState();
                peers.Generation = 1;
                peers.PodNetwork = full.PodNetwork;
                peers.Peers = full.Peers;
                DesiredState[] states = new DesiredState[]
                {
                    peers, PodsOf(full, 2, State(Pods, 0, 0, 0, 0)), PodsOf(full, 3, State(Pods, 0, 0, SidecarPods, 0)), PodsOf(full, 4, full), full,
                };
                int frames = 0;
                for (int i = 0; i < states.Length; i++)
                {
                    // Parts for the sealed session: room in the board's frame for the sequence number and MAC.
                    byte[][] parts = Parts(states[i], buffer, maxPayload - SessionAuth.TrailerLength);
                    for (int p = 0; p < parts.Length; p++)
                    {
                        _scratchParts[frames] = Unsealed(parts[p]);
                        _scratchStates[frames++] = i;
                    }

                    if (i == states.Length - 1)
                    {
                        SnapshotParts = parts.Length;
                        for (int p = 0; p < parts.Length; p++)
                        {
                            SnapshotBytes += Frame.HeaderLength + parts[p].Length + SessionAuth.TrailerLength + Frame.TrailerLength;
                        }
                    }
                }

                Frames = new byte[frames][];
                StateOf = new int[frames];
                Bodies = new int[frames];
                for (int f = 0; f < frames; f++)
                {
                    Frames[f] = _scratchParts[f];
                    StateOf[f] = _scratchStates[f];
                    Bodies[f] = Frames[f].Length - Frame.HeaderLength - SessionAuth.TrailerLength - Frame.TrailerLength;
                    _scratchParts[f] = null;
                }

                // At the peak the parts are decoded as BoardSession hands them over once opened: the bodies alone.
                Resync = Parts(full, buffer, maxPayload);
                DesiredState moved = State(Pods, Services, 1, SidecarPods, ProbedPods);
                moved.Generation = 6;
                Moved = Parts(moved, buffer, maxPayload);
                Request = Edge.Dataplane.Workloads.Ascii.Bytes("GET / HTTP/1.1\r\nHost: web\r\nUser-Agent: budget\r\nConnection: close\r\n\r\n");
            }

            public void Keep(object agent, object session)
            {
                _agent = agent;
                _session = session;
            }

            /// <summary>A frame's bytes with a part as its body and room after it for the session's trailer (sequence number, MAC) and the CRC.</summary>
            private static byte[] Unsealed(byte[] part)
            {
                byte[] frame = new byte[Frame.HeaderLength + part.Length + SessionAuth.TrailerLength + Frame.TrailerLength];
                System.Array.Copy(part, 0, frame, Frame.HeaderLength, part.Length);
                return frame;
            }

            /// <summary>The state encoded with the dataplane's codec and cut into parts of at most <paramref name="maxPayload"/> bytes, as the host cuts it.</summary>
            private static byte[][] Parts(DesiredState state, byte[] buffer, int maxPayload)
            {
                var w = new PayloadWriter();
                w.Begin(buffer, 0, buffer.Length);
                StateCodec.Encode(state, w);
                string problem;
                byte[][] parts = StateParts.Split(buffer, 0, w.Length, false, state.Generation, maxPayload, out problem);
                if (parts == null)
                {
                    Say("parts-problem", problem);
                }

                return parts;
            }

            /// <summary>As the census's WorstCaseBoard.State: pods named as a Deployment names them, services each with a local and a remote endpoint.</summary>
            /// <summary>The peers and the pods of <paramref name="pods"/> beside the node settings of <paramref name="full"/>: a step of the bring-up.</summary>
            private static DesiredState PodsOf(DesiredState full, uint generation, DesiredState pods)
            {
                var s = new DesiredState();
                s.Generation = generation;
                s.PodNetwork = full.PodNetwork;
                s.Peers = full.Peers;
                s.Pods = pods.Pods;
                return s;
            }

            private static DesiredState State(int podCount, int serviceCount, int endpointShift, int sidecars, int probes)
            {
                var s = new DesiredState();
                s.Generation = 5;
                s.PodNetwork = 0x0AF40100;
                var node2 = new PeerSpec();
                node2.Name = "node-2";
                node2.PodNetwork = 0x0AF40200;
                node2.PrefixLength = 24;
                node2.Address = 0xC0A8320C;
                var node3 = new PeerSpec();
                node3.Name = "node-3";
                node3.PodNetwork = 0x0AF40300;
                node3.PrefixLength = 24;
                node3.Address = 0xC0A8320D;
                s.Peers = new PeerSpec[] { node2, node3 };
                s.Pods = new PodSpec[podCount];
                s.ClusterPodAddresses = new uint[podCount];
                s.ClusterPodNamespaces = new string[podCount];
                for (int i = 0; i < podCount; i++)
                {
                    var p = new PodSpec();
                    p.Namespace = "default";
                    p.Name = "web-6d4b9c7f5-" + i.ToString("x5");
                    p.Uid = "0b1c2d" + i.ToString("x2"); // the host sends the uid's first 8 hex digits (PodIncarnation)
                    p.Address = 0x0AF40102u + (uint)i;
                    p.Containers = WorstCaseContainers(i, sidecars, probes);
                    s.Pods[i] = p;
                    s.ClusterPodAddresses[i] = p.Address;
                    s.ClusterPodNamespaces[i] = p.Namespace;
                }

                int spread = podCount > 1 ? podCount : 1;
                s.Services = new Service[serviceCount];
                for (int i = 0; i < serviceCount; i++)
                {
                    // Four kinds of port, as a workshop's manifests have them.
                    var v = new Service();
                    v.Namespace = "default";
                    v.Name = "svc-" + i.ToString();
                    switch (i % 4)
                    {
                        case 0: v.PortName = "http"; v.Port = 80; v.Protocol = IpProtocol.Tcp; break;
                        case 1: v.PortName = "web"; v.Port = 8080; v.Protocol = IpProtocol.Tcp; break;
                        case 2: v.PortName = "dns"; v.Port = 53; v.Protocol = IpProtocol.Udp; break;
                        default: v.PortName = "https"; v.Port = 443; v.Protocol = IpProtocol.Tcp; break;
                    }

                    v.ClusterIp = 0x0A600010u + (uint)i;
                    v.InternalTrafficLocal = i == 0; // as the census's: the ingress request is answered on the board
                    v.SetEndpoints(
                        new uint[] { 0x0AF40102u + (uint)((i + endpointShift) % spread), 0x0AF40202u + (uint)(i % spread) + (uint)(endpointShift << 8) },
                        new ushort[] { v.Port, v.Port },
                        new byte[] { (byte)(EndpointFlags.Ready | EndpointFlags.Serving | EndpointFlags.Local), (byte)(EndpointFlags.Ready | EndpointFlags.Serving) });
                    s.Services[i] = v;
                }

                // As the host compiles them: ClusterIP services are answered from the service table, so no DNS entries of their own.
                s.DnsServices = new DnsService[0];
                s.Policies = PolicyLoad(podCount);
                s.Ingress = IngressLoad();
                return s;
            }

            /// <summary>
            /// The workshop's ingress exercise on every board: two apps on one address by path and
            /// by host, a wildcard host and a default backend: eight routes. As the census's
            /// WorstCaseBoard.IngressLoad.
            /// </summary>
            private static IngressRoutes IngressLoad()
            {
                var routes = new IngressRoutes(8);
                routes.Add("", "/web", PathType.Prefix, "default", "svc-0", 80);
                routes.Add("", "/api", PathType.Prefix, "default", "svc-4", 80);
                routes.Add("", "/api/v1/health", PathType.Exact, "default", "svc-8", 80);
                routes.Add("web.lab.example", "/", PathType.Prefix, "default", "svc-0", 80);
                routes.Add("api.lab.example", "/", PathType.Prefix, "default", "svc-4", 80);
                routes.Add("*.shop.lab.example", "/", PathType.Prefix, "default", "svc-12", 80);
                routes.Add("*.shop.lab.example", "/cart", PathType.Prefix, "default", "svc-1", 8080);
                routes.Add("", "", PathType.Default, "default", "svc-16", 80);
                return routes;
            }

            /// <summary>
            /// A workshop's policies on one board, sixteen of them: each pod selected by two, one
            /// letting TCP in from the cluster's pod CIDR but a /24, the other UDP from it but one
            /// pod (ipBlocks with excepts), by port ranges: the traffic below passes, and is
            /// remembered as the board's policy connections. As the census's WorstCaseBoard.Policies.
            /// </summary>
            private static PolicySet PolicyLoad(int podCount)
            {
                var set = new PolicySet(Policies, Policies, Policies * 3, Policies, false);
                for (int i = 0; i < Policies; i++)
                {
                    set.AddPolicy(null, PolicyTypes.Ingress);
                    set.AddSubject(0x0AF40102u + (uint)((i / 2) % podCount));
                    set.AddRule(0);
                    set.AddPeer(0x0AF40000, 16, false);
                    if (i % 2 == 0)
                    {
                        set.AddPeer(0x0AF4C800, 24, true);
                        set.AddPort(IpProtocol.Tcp, 1, 65535, 0);
                    }
                    else
                    {
                        set.AddPeer(0x0AF40202u + (uint)(i % podCount), 32, true);
                        set.AddPort(IpProtocol.Udp, 1, 65535, 0);
                    }
                }

                return set;
            }
        }

        /// <summary>Passes each arriving service to the board, and takes the free heap when the last has arrived.</summary>
        private sealed class PeakSink : IStateSink
        {
            private IStateSink _board;
            private int _expected;
            private int _arrived;
            public long FreeAtLast = long.MaxValue;

            public void Begin(IStateSink board, int expected)
            {
                _board = board;
                _expected = expected;
                _arrived = 0;
            }

            public void ServiceArrived(Service service)
            {
                _board.ServiceArrived(service);
                if (++_arrived == _expected)
                {
                    FreeAtLast = Free();
                }
            }

            public void DnsServiceArrived(DnsService service)
            {
                _board.DnsServiceArrived(service);
            }
        }

        /// <summary>
        /// The management line from the host: serves one frame's bytes, takes the board's (acks,
        /// heartbeats) and drops them, but for the handshake, where the host hears the board's
        /// Hello and AuthOk (the last frame heard, at the start of <see cref="Heard"/>).
        /// </summary>
        private sealed class HostLine : IByteStream
        {
            public readonly byte[] Heard = new byte[256];
            public int HeardLength;
            private bool _listening;
            private byte[] _frame;
            private int _at;

            public void Listen()
            {
                _listening = true;
                HeardLength = 0;
            }

            public void Deaf()
            {
                _listening = false;
            }

            public bool Pending
            {
                get { return _frame != null && _at < _frame.Length; }
            }

            public void Feed(byte[] frame)
            {
                _frame = frame;
                _at = 0;
            }

            public int Read(byte[] buffer, int offset, int length)
            {
                if (!Pending)
                {
                    return 0;
                }

                int n = _frame.Length - _at < length ? _frame.Length - _at : length;
                System.Array.Copy(_frame, _at, buffer, offset, n);
                _at += n;
                return n;
            }

            public int Write(byte[] buffer, int offset, int length)
            {
                if (_listening)
                {
                    int n = Heard.Length - HeardLength < length ? Heard.Length - HeardLength : length;
                    System.Array.Copy(buffer, offset, Heard, HeardLength, n);
                    HeardLength += n;
                }

                return length;
            }
        }

        /// <summary>A connection on the management port that says nothing (a port scan, a client of another cluster that has not spoken yet).</summary>
        private sealed class SilentLine : IByteStream
        {
            public int Written;
            public bool Closed;

            public int Read(byte[] buffer, int offset, int length)
            {
                return Closed ? -1 : 0;
            }

            public int Write(byte[] buffer, int offset, int length)
            {
                Written += length;
                return length;
            }
        }

        /// <summary>The management port (lwIP's listening socket on a board): hands over the connection offered, once.</summary>
        private sealed class Listener : IManagementListener
        {
            private IByteStream _waiting;

            public void Offer(IByteStream line)
            {
                _waiting = line;
            }

            public IByteStream Accept()
            {
                IByteStream line = _waiting;
                _waiting = null;
                return line;
            }

            public void Close(IByteStream line)
            {
                SilentLine silent = line as SilentLine;
                if (silent != null)
                {
                    silent.Closed = true;
                }
            }
        }

        private sealed class ManualClock : IClock
        {
            public long Now = 1000;

            public long Milliseconds
            {
                get { return Now; }
            }
        }

        private sealed class XorShift : IRandomSource
        {
            private uint _state;

            public XorShift(uint seed)
            {
                _state = seed;
            }

            public uint NextUInt32()
            {
                uint x = _state;
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                _state = x;
                return x;
            }
        }

        /// <summary>The VXLAN port: traffic to the other boards leaves and nothing comes back (they are not simulated).</summary>
        private sealed class SilentPort : IDatagramPort
        {
            public uint LocalAddress
            {
                get { return 0xC0A8320B; }
            }

            public ushort LocalPort
            {
                get { return 4789; }
            }

            public bool Send(uint address, ushort port, byte[] buffer, int offset, int length)
            {
                return true;
            }

            public bool Readable
            {
                get { return false; }
            }

            public int Receive(byte[] buffer, int offset, int capacity, out uint address, out ushort port)
            {
                address = 0;
                port = 0;
                return -1;
            }
        }

        /// <summary>
        /// The board's own sockets live in lwIP, not the managed heap: handles that carry nothing
        /// but one ingress client when offered (its request read once, then its FIN; what the board
        /// sends it counted).
        /// </summary>
        private sealed class SilentHostSockets : IHostSockets
        {
            private const int ClientHandle = 1000;
            private int _next = 1;
            private int _ingressListener = -1;
            private byte[] _request;
            private bool _offered;
            private bool _requestRead;

            /// <summary>Bytes the board sent the ingress client; whether it closed the client.</summary>
            public int Answered;
            public bool ClientClosed;

            /// <summary>A client connects to the ingress port and sends this request.</summary>
            public void OfferIngressClient(byte[] request)
            {
                _request = request;
                _offered = true;
            }

            public int ListenTcp(ushort port)
            {
                if (port == 80)
                {
                    _ingressListener = _next;
                }

                return _next++;
            }

            public int ConnectTcp(uint address, ushort port)
            {
                return -1;
            }

            public int ConnectState(int connection)
            {
                return -1;
            }

            public int Accept(int listener, out uint remoteAddress, out ushort remotePort)
            {
                remoteAddress = 0xC0A832C8;
                remotePort = 40000;
                if (listener != _ingressListener || !_offered)
                {
                    return -1;
                }

                _offered = false;
                return ClientHandle;
            }

            public int Receive(int connection, byte[] buffer, int offset, int length)
            {
                if (connection != ClientHandle)
                {
                    return 0;
                }

                if (_requestRead)
                {
                    return -1;
                }

                _requestRead = true;
                System.Array.Copy(_request, 0, buffer, offset, _request.Length);
                return _request.Length;
            }

            public int Send(int connection, byte[] buffer, int offset, int length)
            {
                if (connection == ClientHandle)
                {
                    Answered += length;
                }

                return length;
            }

            public void ShutdownSend(int connection)
            {
            }

            public int OpenUdp(ushort port)
            {
                return _next++;
            }

            public int ReceiveFrom(int udp, byte[] buffer, int offset, int length, out uint address, out ushort port)
            {
                address = 0;
                port = 0;
                return -1;
            }

            public bool SendTo(int udp, uint address, ushort port, byte[] buffer, int offset, int length)
            {
                return true;
            }

            public void Close(int handle)
            {
                ClientClosed |= handle == ClientHandle;
            }
        }

        // The workshop's pods at their heaviest the class allows: a toolbox beside whoami in as
        // many pods as the class takes containers beyond one a pod, whoami's readiness probe on
        // its /health in as many as it takes probes.
        private static ContainerSpec[] WorstCaseContainers(int i, int sidecars, int probes)
        {
            ContainerSpec[] containers = ContainerSpec.One("whoami");
            var ready = new ProbeSpec();
            ready.Handler = ProbeSpec.HttpGet;
            ready.Port = 80;
            ready.Words = new string[] { "/health" };
            ready.SetTiming(0, 1, 1, 1, 3);
            var alive = new ProbeSpec();
            alive.Handler = ProbeSpec.TcpSocket;
            alive.Port = 80;
            alive.SetTiming(0, 1, 1, 1, 3);
            if (i < probes)
            {
                containers[0].Probes = new ProbeSpec[] { null, null, ready };
            }
            if (i < sidecars)
            {
                var toolbox = new ContainerSpec();
                toolbox.Name = "toolbox";
                toolbox.Image = "toolbox";
                containers = new ContainerSpec[] { containers[0], toolbox };
            }

            return containers;
        }
    }
}
