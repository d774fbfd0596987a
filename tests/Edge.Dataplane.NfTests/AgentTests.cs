#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// The board's kubelet and kube-proxy (NodeAgent) on the board's runtime: a desired state
    /// from the host brings pods up and services into the tables, a delta changes only what
    /// changed, and the management session applies and acknowledges both off the wire.
    /// </summary>
    [TestClass]
    public class AgentTests
    {
        private static readonly uint Vip = Ipv4Address.FromOctets(10, 96, 0, 20);
        private static readonly uint WebIp = Ipv4Address.FromOctets(10, 244, 2, 5);
        private static readonly uint ClientIp = Ipv4Address.FromOctets(10, 244, 1, 5);

        /// <summary>What the host compiles for board n of two: a whoami "web" on board 2 behind service web (10.96.0.20:80), a toolbox "client" on board 1.</summary>
        private static DesiredState StateFor(int board, uint generation, string clientImage)
        {
            var state = new DesiredState { Generation = generation, PodNetwork = TestCluster.PodNetwork(board) };
            int other = board == 1 ? 2 : 1;
            state.Peers = new PeerSpec[] { new PeerSpec { Name = "node-" + other.ToString(), PodNetwork = TestCluster.PodNetwork(other), Address = TestCluster.BoardAddress(other) } };
            state.Pods = board == 1
                ? new PodSpec[] { new PodSpec { Name = "client", Uid = "uid-client", Address = ClientIp, Containers = ContainerSpec.One(clientImage) } }
                : new PodSpec[] { new PodSpec { Name = "web", Uid = "uid-web", Address = WebIp, Containers = ContainerSpec.One("whoami") } };
            var web = new Service { Name = "web", ClusterIp = Vip, Port = 80 };
            web.SetEndpoints(new uint[] { WebIp }, new ushort[] { 80 },
                new byte[] { (byte)(EndpointFlags.Ready | EndpointFlags.Serving | (board == 2 ? EndpointFlags.Local : 0)) });
            state.Services = new Service[] { web };
            state.DnsServices = new DnsService[] { new DnsService { Name = "web", ClusterIp = Vip } };
            state.ClusterPodAddresses = new uint[] { ClientIp, WebIp };
            state.ClusterPodNamespaces = new string[] { "default", "default" };
            return state;
        }

        private static byte[] Payload(DesiredState state)
        {
            byte[] buffer = new byte[2048];
            var w = new PayloadWriter();
            w.Begin(buffer, 0, buffer.Length);
            StateCodec.Encode(state, w);
            Assert.IsFalse(w.Overflow);
            byte[] payload = new byte[w.Length];
            System.Array.Copy(buffer, payload, w.Length);
            return payload;
        }

        /// <summary>A delta from generation 1 of board 2's state: pods web and web-2 (echo), service web gone, service echo (10.96.0.30:7) added.</summary>
        private static byte[] DeltaPayload(uint baseGeneration)
        {
            var changed = new DesiredState { Generation = 2, PodNetwork = TestCluster.PodNetwork(2) };
            uint web2 = Ipv4Address.FromOctets(10, 244, 2, 6);
            changed.Pods = new PodSpec[]
            {
                new PodSpec { Name = "web", Uid = "uid-web", Address = WebIp, Containers = ContainerSpec.One("whoami") },
                new PodSpec { Name = "web-2", Uid = "uid-web-2", Address = web2, Containers = ContainerSpec.One("echo") },
            };
            var echo = new Service { Name = "echo", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 30), Port = 7, Protocol = IpProtocol.Udp };
            echo.SetEndpoints(new uint[] { web2 }, new ushort[] { 7 }, new byte[] { EndpointFlags.Ready | EndpointFlags.Serving | EndpointFlags.Local });
            changed.Services = new Service[] { echo };
            changed.DnsServices = new DnsService[] { new DnsService { Name = "echo", ClusterIp = echo.ClusterIp } };
            byte[] buffer = new byte[2048];
            var w = new PayloadWriter();
            w.Begin(buffer, 0, buffer.Length);
            StateDelta.Encode(baseGeneration, StateDelta.PodsReplaced, new string[] { "default", "web" }, new string[] { "default", "web" }, changed, w);
            Assert.IsFalse(w.Overflow);
            byte[] payload = new byte[w.Length];
            System.Array.Copy(buffer, payload, w.Length);
            return payload;
        }

        private static void AssertRunning(NodeAgent agent, string name, uint address)
        {
            RunningPod pod = agent.FindPod("default", name);
            Assert.IsNotNull(pod, name);
            Assert.AreEqual(PodPhase.Running, pod.Phase, name + ": " + pod.Reason + " " + pod.Message);
            Assert.AreEqual(address, pod.Sandbox.Address);
            Assert.AreSame(pod.Sandbox, agent.Node.FindPod("default", name));
        }

        [TestMethod]
        public void An_agent_applying_a_state_brings_its_pods_up_and_its_services_into_the_tables()
        {
            var lab = new AgentLab(2);
            Assert.IsNull(lab.Agent(1).Apply(StateFor(1, 1, "toolbox")));
            Assert.IsNull(lab.Agent(2).Apply(StateFor(2, 1, "toolbox")));

            NodeAgent board2 = lab.Agent(2);
            Assert.AreEqual(1u, board2.AppliedGeneration);
            Assert.AreEqual(TestCluster.PodNetwork(2), board2.Node.Config.PodNetwork);
            AssertRunning(board2, "web", WebIp);
            AssertRunning(lab.Agent(1), "client", ClientIp);
            Assert.AreEqual(1, board2.Node.Routes.Count);
            Service web = board2.Node.Proxy.Services.Lookup(Vip, 80, IpProtocol.Tcp);
            Assert.IsNotNull(web);
            Assert.AreEqual(1, web.EndpointCount);
            Assert.AreEqual(WebIp, web.EndpointAddresses[0]);

            // The whole of it: the client on board 1 GETs the service; whoami on board 2 answers.
            var body = new TextSink();
            var get = new HttpGet(lab.Agent(1).FindPod("default", "client").Sandbox, Vip, 80, "web", "/", body);
            Assert.IsTrue(lab.RunUntil(delegate { get.Poll(lab.Clock.Now); return get.Done; }, 3000), get.Error);
            Assert.AreEqual(200, get.StatusCode);
            Assert.IsTrue(body.Has("Hostname: web\n"), body.Text);
            Assert.IsTrue(body.Has("RemoteAddr: 10.244.1.5:"), body.Text); // no SNAT inside the cluster
        }

        [TestMethod]
        public void A_delta_adds_a_pod_and_a_service_removes_a_service_and_leaves_running_pods_alone()
        {
            var lab = new AgentLab(2);
            NodeAgent board2 = lab.Agent(2);
            Assert.IsNull(board2.Apply(StateFor(2, 1, "toolbox")));
            PodSandbox web = board2.FindPod("default", "web").Sandbox;
            IWorkload whoami = board2.FindPod("default", "web").Containers[0].Workload;

            byte[] delta = DeltaPayload(1);
            Assert.AreEqual(1u, StateDelta.BaseGeneration(delta, 0, delta.Length));
            var r = new PayloadReader();
            r.Begin(delta, 0, delta.Length);
            string error;
            DesiredState next = StateDelta.Merge(board2.AppliedState, r, board2, out error);
            Assert.IsNull(error);
            Assert.IsNull(board2.Apply(next));

            Assert.AreEqual(2u, board2.AppliedGeneration);
            AssertRunning(board2, "web-2", Ipv4Address.FromOctets(10, 244, 2, 6));
            Assert.AreSame(web, board2.FindPod("default", "web").Sandbox); // untouched: same sandbox, same container
            Assert.AreSame(whoami, board2.FindPod("default", "web").Containers[0].Workload);
            Assert.IsNull(board2.Node.Proxy.Services.Lookup(Vip, 80, IpProtocol.Tcp));
            Assert.IsNotNull(board2.Node.Proxy.Services.Lookup(Ipv4Address.FromOctets(10, 96, 0, 30), 7, IpProtocol.Udp));
            Assert.AreEqual(2, board2.Node.PodCount);
        }

        [TestMethod]
        public void A_resync_keeps_pods_running_and_an_image_not_built_in_fails_with_the_images_listed()
        {
            var lab = new AgentLab(2);
            NodeAgent board1 = lab.Agent(1);
            Assert.IsNull(board1.Apply(StateFor(1, 1, "toolbox")));
            PodSandbox before = board1.FindPod("default", "client").Sandbox;

            Assert.IsNull(board1.Apply(StateFor(1, 7, "toolbox")));
            Assert.AreSame(before, board1.FindPod("default", "client").Sandbox);
            Assert.AreEqual(7u, board1.AppliedGeneration);

            board1.Apply(StateFor(1, 8, "nginx:1.27"));
            RunningPod pod = board1.FindPod("default", "client");
            Assert.AreEqual(PodPhase.Failed, pod.Phase);
            Assert.AreEqual("ErrImageNeverPull", pod.Reason);
            Assert.IsTrue(pod.Message.IndexOf("use one of: whoami, hello, echo, counter, toolbox") >= 0, pod.Message);
        }

        [TestMethod]
        public void A_new_pod_CIDR_rebuilds_the_node_and_its_pods_follow()
        {
            var lab = new AgentLab(1);
            NodeAgent agent = lab.Agent(1);
            Assert.IsNull(agent.Apply(StateFor(1, 1, "toolbox")));
            Worker.Node first = agent.Node;

            DesiredState moved = StateFor(1, 2, "toolbox");
            moved.PodNetwork = Ipv4Address.FromOctets(10, 244, 9, 0);
            moved.Pods[0].Address = Ipv4Address.FromOctets(10, 244, 9, 5);
            Assert.IsNull(agent.Apply(moved));

            Assert.AreNotSame(first, agent.Node);
            Assert.AreEqual(Ipv4Address.FromOctets(10, 244, 9, 1), agent.Node.Config.GatewayAddress);
            AssertRunning(agent, "client", Ipv4Address.FromOctets(10, 244, 9, 5));
        }

        [TestMethod]
        public void The_board_session_applies_a_snapshot_and_a_delta_off_the_line_and_acknowledges_each()
        {
            var lab = new AgentLab(2);
            NodeAgent agent = lab.Agent(2);
            var identity = new NodeConfigIdentity { Name = "node-2", Address = TestCluster.BoardAddress(2), MaxPayload = 2560, MaxOutPayload = 1280 };
            var session = new BoardSession(agent, identity);
            var line = new ByteLine();
            var host = new FrameReader();
            var payload = new PayloadReader();
            byte[] chunk = new byte[512];

            session.Attach(line.Board, lab.Clock.Now);
            Assert.IsTrue(Next(line, host, chunk, MessageType.Hello));
            payload.Begin(host.Payload, host.PayloadOffset, host.PayloadLength);
            Assert.AreEqual("node-2", payload.String());
            payload.String(); // firmware version
            Assert.AreEqual(TestCluster.BoardAddress(2), payload.Address());
            payload.Int(); // VXLAN port
            Assert.AreEqual(0u, payload.Varint()); // nothing applied since boot: the host must send a snapshot

            Assert.IsTrue(Send(line, MessageType.Snapshot, 11, OnePart(false, 1, Payload(StateFor(2, 1, "toolbox")))));
            session.Poll(lab.Clock.Now);
            Assert.IsTrue(Next(line, host, chunk, MessageType.Ack));
            Assert.AreEqual((ushort)11, host.RequestId);
            payload.Begin(host.Payload, host.PayloadOffset, host.PayloadLength);
            Assert.AreEqual(1u, payload.Varint());
            Assert.IsNull(payload.String()); // no error
            AssertRunning(agent, "web", WebIp);

            Assert.IsTrue(Send(line, MessageType.Delta, 12, OnePart(true, 2, DeltaPayload(1))));
            session.Poll(lab.Clock.Now);
            Assert.IsTrue(Next(line, host, chunk, MessageType.Ack));
            Assert.AreEqual((ushort)12, host.RequestId);
            payload.Begin(host.Payload, host.PayloadOffset, host.PayloadLength);
            Assert.AreEqual(2u, payload.Varint());
            Assert.IsNull(payload.String());
            AssertRunning(agent, "web-2", Ipv4Address.FromOctets(10, 244, 2, 6));

            // A delta on a generation the board does not hold is refused: the host must send a snapshot.
            Assert.IsTrue(Send(line, MessageType.Delta, 13, OnePart(true, 2, DeltaPayload(1))));
            session.Poll(lab.Clock.Now);
            Assert.IsTrue(Next(line, host, chunk, MessageType.Ack));
            payload.Begin(host.Payload, host.PayloadOffset, host.PayloadLength);
            payload.Varint();
            string refusal = payload.String();
            Assert.IsNotNull(refusal);
            Assert.IsTrue(refusal.IndexOf("send a snapshot") >= 0, refusal);
            Assert.AreEqual(2u, agent.AppliedGeneration);
            Assert.AreEqual(2L, session.SnapshotsApplied);
            Assert.AreEqual(1L, session.SnapshotsRefused);
        }

        [TestMethod]
        public void Board_settings_survive_a_save_and_a_load_through_storage()
        {
            var storage = new MemoryStorage();
            string problem;
            BoardSettings fresh = BoardSettings.Load(storage, out problem);
            Assert.IsNull(problem);
            Assert.AreEqual("DHCP", fresh.DescribeAddressing());

            var settings = new BoardSettings
            {
                Profile = "wt32-eth01", Name = "node-1", Static = true, Address = TestCluster.BoardAddress(1), PrefixLength = 24,
                Gateway = Ipv4Address.FromOctets(192, 168, 50, 1), Dns = Ipv4Address.FromOctets(192, 168, 50, 1),
            };
            Assert.IsNull(settings.Validate());
            Assert.IsTrue(settings.Save(storage));
            BoardSettings loaded = BoardSettings.Load(storage, out problem);

            Assert.IsNull(problem);
            Assert.AreEqual("wt32-eth01", loaded.Profile);
            Assert.AreEqual("node-1", loaded.Name);
            Assert.AreEqual("static 192.168.50.11/24 via 192.168.50.1, DNS 192.168.50.1", loaded.DescribeAddressing());

            byte[] record = storage.Read(BoardSettings.SlotKey0);
            record[record.Length - 3] ^= 0x40; // a flipped bit in flash
            Assert.IsTrue(storage.Write(BoardSettings.SlotKey0, record, 0, record.Length));
            BoardSettings damaged = BoardSettings.Load(storage, out problem);
            Assert.IsTrue(problem != null && problem.IndexOf("damaged") >= 0, problem);
            Assert.AreEqual("", damaged.Name);
        }

        /// <summary>A state's payload as the host sends one that fits a frame: its only part (StatePart).</summary>
        private static byte[] OnePart(bool delta, uint generation, byte[] body)
        {
            string problem;
            byte[][] parts = StateParts.Split(body, 0, body.Length, delta, generation, Frame.MaxPayload, out problem);
            Assert.AreEqual(1, parts.Length);
            return parts[0];
        }

        private static bool Send(ByteLine line, byte type, ushort id, byte[] payload)
        {
            byte[] frame = new byte[Frame.HeaderLength + payload.Length + Frame.TrailerLength];
            System.Array.Copy(payload, 0, frame, Frame.HeaderLength, payload.Length);
            int length = Frame.Seal(frame, 0, type, id, payload.Length);
            return line.HostWrite(frame, 0, length);
        }

        /// <summary>Reads the host's side of the line, a byte at a time, until a frame of the type (skipping others, e.g. heartbeats); false when none came.</summary>
        private static bool Next(ByteLine line, FrameReader host, byte[] chunk, byte type)
        {
            while (true)
            {
                while (host.Next())
                {
                    if (host.Type == type)
                    {
                        return true;
                    }
                }

                if (line.HostRead(chunk, 0, 1) <= 0)
                {
                    return false;
                }

                host.Push(chunk, 0, 1);
            }
        }
    }
}
