#nullable disable
using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Trust;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;

namespace Edge.NanoClr.Programs
{
    /// <summary>
    /// A board's loop (Edge.Dataplane.Boards.BoardLoop, as the firmware's Program.Main runs it)
    /// over in-memory fakes of the Platform, turn after turn on a virtual clock (10 ms a turn, a
    /// board's idle wait), with control planes' frames fed into its management lines. The board
    /// was provisioned over USB into cluster "workshop" (its key in flash), so a control plane on
    /// TCP must prove that key on the board's nonce (SessionAuth) and every frame after is sealed;
    /// the console UART is trusted as it is:
    /// <list type="number">
    /// <item>boot: the board says Hello on its console UART, where nobody listens yet;</item>
    /// <item>turn 5: the workshop's control plane connects on TCP, gets Hello with the board's nonce and proves the key; the board proves it back (AuthOk);</item>
    /// <item>turn 7: it sends an HTTP request by mistake and then a snapshot (two pods, a NodePort service, DNS), sealed; an eavesdropper has captured its auth-proof and captures the snapshot's frame;</item>
    /// <item>turn 20: it runs wget in the toolbox pod against the service by name (exec);</item>
    /// <item>turn 30: a port scanner connects on the management port and sends an HTTP request: no proof, hung up after 3 s (turn 330); the control plane keeps the board;</item>
    /// <item>turn 60: a delta adds a pod and its service;</item>
    /// <item>turn 80: a client on the LAN fetches the NodePort from the board's address;</item>
    /// <item>turn 100: a delta for a generation the board never had is refused;</item>
    /// <item>turn 350: another cluster's control plane connects and proves its own key: refused (AuthRefused names cluster workshop), hung up; the session stays;</item>
    /// <item>turn 360: the control plane asks for the ipvs view and gets it: its session still works;</item>
    /// <item>turn 380: the captured snapshot frame (generation 1, sequence 0) is replayed on the control plane's line: the board ends the session, keeps generation 2, and the console serves;</item>
    /// <item>turn 400: the control plane connects again with the cluster's key and takes the session back;</item>
    /// <item>turn 420: the captured auth-proof of turn 5 is replayed on a new connection: the board's nonce is new, the proof fails, the connection is refused; the session stays;</item>
    /// <item>turn 530: the control plane restarts: a new connection asks for Hello, proves the key and takes the session from the old one;</item>
    /// <item>turn 560: the control plane hangs up; the console serves again;</item>
    /// <item>turn 580: a host on the console UART, after the chip's boot noise, asks for Hello and resyncs with a snapshot at the UART's pace (115 bytes a turn), no handshake;</item>
    /// <item>turn 700: a control plane connects on TCP again, reads the kept settings (turn 710), tries to set a new cluster key over the network (turn 720, refused: only the console may), provisions new settings keeping the key and asks for a restart (turn 730).</item>
    /// </list>
    /// Everything the board and the hosts say goes to the report, a line each; the last lines
    /// are the board's display, LEDs and counters. The same seed and clock give the same report
    /// on nanoCLR and on CoreCLR.
    /// </summary>
    public static class BoardLoopScenario
    {
        public const int MaxTurns = 900;
        public const int TurnMs = 10;

        /// <summary>The cluster the board was provisioned into over USB.</summary>
        public const string Cluster = "workshop";

        /// <summary>The firmware's timer checks the stall watch every 5 s: every 500 turns of 10 ms; here every 50, to check it more.</summary>
        private const int WatchCheckTurns = 50;

        private static readonly uint BoardAddress = Ipv4Address.FromOctets(192, 168, 50, 17);
        private static readonly uint PeerAddress = Ipv4Address.FromOctets(192, 168, 50, 18);
        private static readonly uint LanClient = Ipv4Address.FromOctets(192, 168, 50, 2);
        private static readonly uint Web = Ipv4Address.FromOctets(10, 244, 7, 5);
        private static readonly uint Client = Ipv4Address.FromOctets(10, 244, 7, 6);
        private static readonly uint Greeter = Ipv4Address.FromOctets(10, 244, 7, 7);
        private const ushort WebNodePort = 30080;

        public static void Run(ILog report)
        {
            var clock = new VirtualClock();
            var console = new MemoryLine(115);
            var listener = new MemoryListener();
            var hostSockets = new MemoryHostSockets(32);
            var leds = new MemoryLeds();
            var display = new MemoryDisplay();
            var storage = new MemoryStorage();
            var port = new MemoryPort(BoardAddress, VxlanHeader.IanaPort);
            var watch = new StallWatch(6);

            // Provisioned over USB before it was racked: the workshop's cluster key in flash (edgectl board provision --port).
            byte[] clusterKey = Key(3, 7);
            byte[] otherKey = Key(5, 11);
            var usb = new BoardSettings();
            usb.Cluster = Cluster;
            usb.Key = clusterKey;
            usb.Save(storage);
            report.Write("usb: provisioned into cluster " + Cluster + " with key " + KeyIdOf(clusterKey));

            // As Program.Main boots: the kept settings, the plan, the platform, the panel.
            string problem;
            BoardSettings settings = BoardSettings.Load(storage, out problem);
            BootPlan plan = BootPlan.From(settings, BootPlan.NameFromMac(new byte[] { 0x24, 0x0a, 0xc4, 0x11, 0x00, 0x17 }), MemoryClass.Wroom);
            report.Write("board: boots as " + plan.Describe() + (problem == null ? "" : " (" + problem + ")"));

            var platform = new BoardPlatform();
            platform.Clock = clock;
            platform.Random = new Xorshift(17);
            platform.Port = port;
            platform.HostSockets = hostSockets;
            platform.Storage = storage;
            platform.Management = listener;
            platform.Console = console;
            platform.Leds = leds;
            platform.Display = display;
            platform.Log = new PrefixLog(report, "board: ");
            var panel = new StatusPanel(leds, display, platform.Log);
            var loop = new BoardLoop(plan, BoardAddress, platform, panel, watch);
            report.Write("board: " + (loop.Session.Trust == null ? "no cluster key" : "cluster " + loop.Session.Cluster + ", key " + SessionAuth.Describe(loop.Session.Trust.KeyId)
                + ", boot " + loop.Session.Trust.Boot.ToString()));

            var uartHost = new ControlPlane("console", console.Host, report);
            ControlPlane[] hosts = new ControlPlane[8];
            int hostCount = 0;
            MemoryLine[] watched = new MemoryLine[8];
            string[] watchedSay = new string[8];
            int watchedCount = 0;

            MemoryLine tcp = null;
            MemoryLine scanner = null;
            MemoryLine other = null;
            ControlPlane host = null;
            ControlPlane otherHost = null;
            byte[] captured = null;
            byte[] capturedProof = null;
            MemoryLine replayer = null;
            long brokenBefore = 0;
            int lan = -1;
            string lanReply = "";
            byte[] lanBuffer = new byte[512];
            int watchChecks = 0;
            int stalls = 0;

            int turn = 0;
            while (turn < MaxTurns && !loop.RestartRequested)
            {
                turn++;
                clock.Now += TurnMs;
                switch (turn)
                {
                    case 5:
                        report.Write("turn 5: the " + Cluster + " control plane connects on port " + BoardLoop.ManagementPort.ToString());
                        tcp = new MemoryLine(0);
                        listener.Connect(tcp);
                        host = new ControlPlane("tcp", tcp.Host, report, clusterKey, 101, BoardAddress);
                        hosts[hostCount++] = host;
                        watched[watchedCount] = tcp;
                        watchedSay[watchedCount++] = "the board closed the control plane's connection";
                        break;
                    case 6:
                        capturedProof = host.CaptureLastFrame();
                        report.Write("turn 6: an eavesdropper on the LAN keeps a copy of the control plane's auth-proof (" + capturedProof.Length.ToString() + " bytes)");
                        break;
                    case 7:
                        host.Garbage("GET / HTTP/1.1\r\nHost: 192.168.50.17:7900\r\n\r\n");
                        host.Snapshot(State(1, false), 1);
                        captured = host.CaptureLastFrame();
                        report.Write("turn 7: an eavesdropper on the LAN keeps a copy of the sealed snapshot's frame (" + captured.Length.ToString() + " bytes)");
                        break;
                    case 20:
                        host.Exec("default", "client", new string[] { "wget", "-qO-", "http://web/" }, 2);
                        break;
                    case 30:
                        report.Write("turn 30: a port scanner connects on port " + BoardLoop.ManagementPort.ToString() + " and sends an HTTP request");
                        scanner = new MemoryLine(0);
                        listener.Connect(scanner);
                        byte[] probe = Ascii.Bytes("GET / HTTP/1.1\r\nHost: 192.168.50.17:7900\r\n\r\n");
                        scanner.Host.Write(probe, 0, probe.Length);
                        watched[watchedCount] = scanner;
                        watchedSay[watchedCount++] = "the board hung up on the scanner";
                        break;
                    case 40:
                        host.PortForward("default", "web", 80, 7);
                        break;
                    case 42:
                        string forwarded = "GET /forwarded HTTP/1.0\r\n\r\n";
                        if (host.InputCredit >= forwarded.Length)
                        {
                            host.Input(7, forwarded);
                            host.Input(7, "");
                        }

                        break;
                    case 60:
                        DesiredState changed = State(2, true);
                        changed.Services = new Service[] { changed.Services[1] };
                        changed.DnsServices = new DnsService[] { changed.DnsServices[1] };
                        host.Delta(1, StateDelta.PodsReplaced | StateDelta.ClusterPodsReplaced, new string[0], new string[0], changed, 3);
                        break;
                    case 80:
                        report.Write("turn 80: a client on the LAN connects to " + Ipv4Address.Format(BoardAddress) + ":" + WebNodePort.ToString() + " (listening: " + hostSockets.Listening() + ")");
                        lan = hostSockets.Connect(WebNodePort, LanClient, 51000);
                        byte[] request = Ascii.Bytes("GET / HTTP/1.0\r\nHost: 192.168.50.17:30080\r\n\r\n");
                        hostSockets.ClientSend(lan, request, 0, request.Length);
                        hostSockets.ClientFinish(lan);
                        break;
                    case 100:
                        DesiredState stale = State(6, true);
                        host.Delta(5, 0, new string[0], new string[0], stale, 4);
                        break;
                    case 350:
                        other = new MemoryLine(0);
                        otherHost = new ControlPlane("other", other.Host, report, otherKey, 201, BoardAddress);
                        report.Write("turn 350: another cluster's control plane (key " + otherHost.KeyId + ") connects on port " + BoardLoop.ManagementPort.ToString() + " while the session is held");
                        listener.Connect(other);
                        hosts[hostCount++] = otherHost;
                        watched[watchedCount] = other;
                        watchedSay[watchedCount++] = "the board hung up on the other cluster's control plane";
                        break;
                    case 360:
                        host.ViewRequest(BoardSession.ViewIpvs, 5);
                        break;
                    case 380:
                        report.Write("turn 380: someone on the path replays the captured snapshot frame (generation 1, sequence 0) on the control plane's line");
                        brokenBefore = loop.Session.SessionsBroken;
                        tcp.Host.Write(captured, 0, captured.Length);
                        break;
                    case 390:
                        report.Write("turn 390: the board runs generation " + loop.Agent.AppliedGeneration.ToString() + " with " + loop.Agent.Pods.Length.ToString() + " pods; "
                            + (loop.Session.SessionsBroken - brokenBefore).ToString() + " session ended by the replay; a control plane on TCP: " + (loop.ControlPlaneConnected ? "yes" : "no"));
                        break;
                    case 400:
                        report.Write("turn 400: the control plane connects again with the " + Cluster + " key");
                        tcp = new MemoryLine(0);
                        listener.Connect(tcp);
                        host = new ControlPlane("tcp", tcp.Host, report, clusterKey, 102, BoardAddress);
                        hosts[hostCount++] = host;
                        watched[watchedCount] = tcp;
                        watchedSay[watchedCount++] = "the board closed the old control plane's connection";
                        break;
                    case 420:
                        report.Write("turn 420: someone connects on port " + BoardLoop.ManagementPort.ToString() + " and replays the captured auth-proof (the handshake of turn 5)");
                        replayer = new MemoryLine(0);
                        listener.Connect(replayer);
                        replayer.Host.Write(capturedProof, 0, capturedProof.Length);
                        watched[watchedCount] = replayer;
                        watchedSay[watchedCount++] = "the board hung up on the replayed handshake";
                        break;
                    case 530:
                        report.Write("turn 530: the control plane restarts and connects again; its old connection is still open");
                        tcp = new MemoryLine(0);
                        listener.Connect(tcp);
                        host = new ControlPlane("tcp", tcp.Host, report, clusterKey, 103, BoardAddress);
                        hosts[hostCount++] = host;
                        host.HelloRequest();
                        break;
                    case 560:
                        report.Write("turn 560: the control plane hangs up");
                        tcp.HungUp = true;
                        break;
                    case 580:
                        uartHost.Garbage("ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n");
                        uartHost.HelloRequest();
                        uartHost.Snapshot(State(3, true), 6);
                        break;
                    case 700:
                        report.Write("turn 700: a control plane connects on port " + BoardLoop.ManagementPort.ToString() + " again");
                        tcp = new MemoryLine(0);
                        listener.Connect(tcp);
                        host = new ControlPlane("tcp", tcp.Host, report, clusterKey, 104, BoardAddress);
                        hosts[hostCount++] = host;
                        break;
                    case 710:
                        host.SettingsRequest(7);
                        break;
                    case 720:
                        var rekeyed = new BoardSettings { Cluster = "lab-b", Key = otherKey };
                        host.SettingsUpdate(rekeyed, false, BoardSession.SetKey, 8);
                        break;
                    case 730:
                        var provisioned = new BoardSettings { Profile = "wt32-eth01", Name = "node-7", Static = true, Address = BoardAddress, PrefixLength = 24, Gateway = Ipv4Address.FromOctets(192, 168, 50, 1) };
                        host.SettingsUpdate(provisioned, true, BoardSession.KeepKey, 9);
                        break;
                }

                console.Deliver();
                if (tcp != null)
                {
                    tcp.Deliver();
                }

                if (scanner != null)
                {
                    scanner.Deliver();
                }

                if (other != null)
                {
                    other.Deliver();
                }

                if (replayer != null)
                {
                    replayer.Deliver();
                }

                int work = loop.Turn();

                uartHost.Poll();
                for (int i = 0; i < hostCount; i++)
                {
                    hosts[i].Poll();
                }

                for (int i = 0; i < watchedCount; i++)
                {
                    if (watched[i].ClosedByBoard)
                    {
                        report.Write("turn " + turn.ToString() + ": " + watchedSay[i]);
                        watchedCount--;
                        for (int j = i; j < watchedCount; j++)
                        {
                            watched[j] = watched[j + 1];
                            watchedSay[j] = watchedSay[j + 1];
                        }

                        i--;
                    }
                }

                if (lan >= 0)
                {
                    int n;
                    while ((n = hostSockets.ClientReceive(lan, lanBuffer, 0, lanBuffer.Length)) > 0)
                    {
                        lanReply += Ascii.GetString(lanBuffer, 0, n);
                    }

                    if (hostSockets.ClientSawEnd(lan))
                    {
                        ReportLan(report, turn, lanReply);
                        lan = -1;
                    }
                }

                if (turn % WatchCheckTurns == 0)
                {
                    watchChecks++;
                    if (watch.Check())
                    {
                        stalls++;
                        report.Write("turn " + turn.ToString() + ": " + watch.Describe(WatchCheckTurns * TurnMs));
                    }
                }

                if (work < 0)
                {
                    report.Write("turn " + turn.ToString() + ": the loop returned " + work.ToString());
                }
            }

            report.Write("turn " + turn.ToString() + ": " + (loop.RestartRequested ? "the board asks to restart" : "the last turn"));
            report.Write(uartHost.Summary());
            for (int i = 0; i < hostCount; i++)
            {
                report.Write(hosts[i].Summary());
            }

            ReportEnd(report, loop, panel, leds, display, storage, port, hostSockets, watchChecks, stalls);
        }

        /// <summary>A fixed 32-byte key: byte i is a + b * i.</summary>
        private static byte[] Key(int a, int b)
        {
            byte[] key = new byte[SessionAuth.KeyLength];
            for (int i = 0; i < key.Length; i++)
            {
                key[i] = (byte)(a + b * i);
            }

            return key;
        }

        private static string KeyIdOf(byte[] key)
        {
            return SessionAuth.Describe(new SessionAuth(SessionAuth.Host, key, 0).KeyId);
        }

        /// <summary>
        /// What the host compiles for this board (node-0017, pod CIDR 10.244.7.0/24, a peer
        /// node-8): web (whoami) behind service web, a NodePort on 30080; client (toolbox); with
        /// <paramref name="withGreeter"/>, greeter (hello) behind service greeter.
        /// </summary>
        private static DesiredState State(uint generation, bool withGreeter)
        {
            const byte local = EndpointFlags.Ready | EndpointFlags.Serving | EndpointFlags.Local;
            var web = new Service { Name = "web", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 20), Port = 80, Protocol = IpProtocol.Tcp, Type = ServiceType.NodePort, NodePort = WebNodePort };
            web.SetEndpoints(new uint[] { Web }, new ushort[] { 80 }, new byte[] { local });
            var greeter = new Service { Name = "greeter", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 30), Port = 80, Protocol = IpProtocol.Tcp };
            greeter.SetEndpoints(new uint[] { Greeter }, new ushort[] { 80 }, new byte[] { local });

            var s = new DesiredState();
            s.Generation = generation;
            s.PodNetwork = Ipv4Address.FromOctets(10, 244, 7, 0);
            s.Peers = new PeerSpec[] { new PeerSpec { Name = "node-8", PodNetwork = Ipv4Address.FromOctets(10, 244, 8, 0), Address = PeerAddress } };
            var web1 = new PodSpec { Name = "web", Uid = "uid-web", Address = Web, Containers = ContainerSpec.One("whoami") };
            var client = new PodSpec { Name = "client", Uid = "uid-client", Address = Client, Containers = ContainerSpec.One("toolbox") };
            if (withGreeter)
            {
                s.Pods = new PodSpec[] { web1, client, new PodSpec { Name = "greeter", Uid = "uid-greeter", Address = Greeter, Containers = ContainerSpec.One("hello") } };
                s.Services = new Service[] { web, greeter };
                s.DnsServices = new DnsService[] { new DnsService { Name = "web", ClusterIp = web.ClusterIp }, new DnsService { Name = "greeter", ClusterIp = greeter.ClusterIp } };
                s.ClusterPodAddresses = new uint[] { Web, Client, Greeter };
                s.ClusterPodNamespaces = new string[] { "default", "default", "default" };
            }
            else
            {
                s.Pods = new PodSpec[] { web1, client };
                s.Services = new Service[] { web };
                s.DnsServices = new DnsService[] { new DnsService { Name = "web", ClusterIp = web.ClusterIp } };
                s.ClusterPodAddresses = new uint[] { Web, Client };
                s.ClusterPodNamespaces = new string[] { "default", "default" };
            }

            return s;
        }

        private static string WithoutTrailingSpaces(string line)
        {
            if (line == null)
            {
                return "";
            }

            int end = line.Length;
            while (end > 0 && line[end - 1] == ' ')
            {
                end--;
            }

            return line.Substring(0, end);
        }

        private static void ReportLan(ILog report, int turn, string reply)
        {
            report.Write("turn " + turn.ToString() + ": the LAN client has its whole answer (" + reply.Length.ToString() + " bytes)");
            int start = 0;
            for (int i = 0; i < reply.Length; i++)
            {
                if (reply[i] == '\n')
                {
                    int end = i > start && reply[i - 1] == '\r' ? i - 1 : i;
                    report.Write("lan< " + reply.Substring(start, end - start));
                    start = i + 1;
                }
            }

            if (start < reply.Length)
            {
                report.Write("lan< " + reply.Substring(start));
            }
        }

        private static void ReportEnd(ILog report, BoardLoop loop, StatusPanel panel, MemoryLeds leds, MemoryDisplay display, MemoryStorage storage,
            MemoryPort port, MemoryHostSockets hostSockets, int watchChecks, int stalls)
        {
            for (int row = 0; row < display.Shown.Length; row++)
            {
                report.Write("screen " + row.ToString() + ": " + WithoutTrailingSpaces(display.Shown[row]));
            }

            report.Write("display: " + display.Pictures.ToString() + " pictures drawn");
            report.Write("leds: status " + (leds.Status ? "on" : "off") + ", activity " + (leds.Activity ? "on" : "off") + ", "
                + leds.ActivityFlashes.ToString() + " activity flashes, " + leds.Changes.ToString() + " changes");
            report.Write("status: " + StatusLight.Describe(panel.Status));
            report.Write("watch: " + watchChecks.ToString() + " checks, " + stalls.ToString() + " stalls");
            report.Write("session: " + loop.Session.FramesReceived.ToString() + " frames taken, " + loop.Session.SnapshotsApplied.ToString() + " states applied, "
                + loop.Session.SnapshotsRefused.ToString() + " refused, " + loop.Session.GarbageBytes.ToString() + " bytes of garbage skipped");
            report.Write("loop: " + loop.Turns.ToString() + " turns, " + loop.Connections.ToString() + " control plane connections, " + loop.ConnectionsRefused.ToString() + " refused, "
                + loop.ConnectionsWrongKey.ToString() + " of another key");
            SessionAuth trust = loop.Session.Trust;
            report.Write("trust: " + (trust == null ? "no cluster key" : "cluster " + loop.Session.Cluster + ", key " + SessionAuth.Describe(trust.KeyId) + ", boot " + trust.Boot.ToString()
                + "; sessions broken: " + loop.Session.SessionsBroken.ToString() + " (" + trust.BadMacs.ToString() + " bad MACs, " + trust.OutOfSequence.ToString() + " out of sequence)"));
            report.Write("node: generation " + loop.Agent.AppliedGeneration.ToString() + ", " + loop.Agent.Pods.Length.ToString() + " pods, listening on " + hostSockets.Listening()
                + ", " + loop.Agent.Node.NodePorts.Accepted.ToString() + " NodePort connections, " + port.Sent.ToString() + " VXLAN datagrams sent");

            string problem;
            BoardSettings kept = BoardSettings.Load(storage, out problem);
            report.Write("storage: " + (problem != null ? problem : "boots next as " + BootPlan.From(kept, "node-0017", MemoryClass.Wroom).Describe()
                + "; cluster " + (kept.Cluster.Length == 0 ? "none" : kept.Cluster) + ", key " + (kept.Key == null ? "none" : KeyIdOf(kept.Key)) + ", " + kept.Boots.ToString() + " boots counted"));
        }
    }
}
