#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Proxy.Views;
using Edge.Dataplane.Text;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// The packet tracer: a marked packet recorded at every point that decides about it, on
    /// every board it crosses, with the decisions those points made (the same flow events real
    /// traffic writes), its headers as each point left them, and its reply back. What the trace
    /// says is checked against what the packet really did: which board's pod got it, the
    /// connection the client's board remembers, the drop counters.
    /// </summary>
    [TestClass]
    public class TraceTests
    {
        private static readonly uint Vip = Ipv4Address.FromOctets(10, 96, 0, 31);
        private const byte Ready = EndpointFlags.Ready | EndpointFlags.Serving;
        private const int Mark = 0x5A10;

        private static void Serve(TestCluster cluster, byte protocol, PodSandbox[] pods, int[] boards, ushort targetPort)
        {
            for (int board = 1; board <= cluster.Nodes.Length; board++)
            {
                var service = new Service { Namespace = "default", Name = "web", PortName = "http", ClusterIp = Vip, Port = 80, Protocol = protocol };
                uint[] addresses = new uint[pods.Length];
                ushort[] ports = new ushort[pods.Length];
                byte[] flags = new byte[pods.Length];
                for (int i = 0; i < pods.Length; i++)
                {
                    addresses[i] = pods[i].Address;
                    ports[i] = targetPort;
                    flags[i] = (byte)(Ready | (boards[i] == board ? EndpointFlags.Local : 0));
                }

                service.SetEndpoints(addresses, ports, flags);
                Assert.IsTrue(cluster.Node(board).Proxy.SetService(service));
            }
        }

        // Arms every board: the source board sends (or follows) from the pod, the others record.
        private static void Arm(TestCluster cluster, int sourceBoard, int mode, PodSandbox from, byte protocol, uint destination, int port)
        {
            for (int board = 1; board <= cluster.Nodes.Length; board++)
            {
                if (board != sourceBoard)
                {
                    Node other = cluster.Node(board);
                    Assert.IsNull(PacketTrace.Start(other.Context, other.Flows, Mark, 5000, PacketTrace.RecordOnly, null, 0, 0, 0));
                }
            }

            Node node = cluster.Node(sourceBoard);
            Assert.IsNull(PacketTrace.Start(node.Context, node.Flows, Mark, 5000, mode, from, protocol, destination, port));
        }

        // A board's hops in words: "bridged request 1>0", "routed request peer translated 192.168.50.12 [service]"...
        private static string Path(Node node)
        {
            PacketTrace trace = node.Context.Trace;
            var words = new uint[PacketTrace.Words];
            var headers = new byte[PacketTrace.HeaderBytes];
            string path = "";
            for (int hop = 0; hop < trace.Count; hop++)
            {
                trace.Read(hop, words, headers);
                path += (hop == 0 ? "" : " | ") + Hop(words);
            }

            return path;
        }

        private static string Hop(uint[] w)
        {
            int step = (int)(w[1] >> 24);
            string text = (((w[1] >> 16) & 1) != 0 ? "reply " : "request ");
            switch (step)
            {
                case PacketTrace.Bridged:
                    text = "bridged " + text + w[2].ToString() + ">" + (w[3] == 0xFFFFFFFF ? "flood" : w[3].ToString());
                    break;
                case PacketTrace.Routed:
                    text = "routed " + text + Where((int)(w[2] & 0xFF)) + " " + Verdict((int)(w[2] >> 8)) + (w[3] != 0 ? " " + Ipv4Address.Format(w[3]) : "");
                    break;
                case PacketTrace.Encapsulated:
                    text = "encapsulated " + text + Ipv4Address.Format(w[2]) + " vni " + w[3].ToString();
                    break;
                case PacketTrace.Decapsulated:
                    text = "decapsulated " + text + Ipv4Address.Format(w[2]);
                    break;
                case PacketTrace.Dropped:
                    text = "dropped " + text + DropReason.Name((int)w[2]);
                    break;
            }

            int events = (int)((w[1] >> 8) & 0xFF);
            for (int i = 0; i < events; i++)
            {
                text += " [" + Kind((int)(w[5 + i * FlowLog.Words + 1] >> 24)) + "]";
            }

            return text;
        }

        private static string Where(int where)
        {
            switch (where)
            {
                case PacketTrace.ToPod: return "pod";
                case PacketTrace.ToPeer: return "peer";
                case PacketTrace.ToNode: return "node";
                case PacketTrace.ToEgress: return "egress";
                case PacketTrace.Rejected: return "rejected";
                case PacketTrace.FromNode: return "from-node";
                default: return "?";
            }
        }

        private static string Verdict(int verdict)
        {
            return verdict == 0 ? "accepted" : verdict == 1 ? "translated" : verdict == 2 ? "rejected" : "dropped";
        }

        private static string Kind(int kind)
        {
            switch (kind)
            {
                case FlowLog.ServicePick: return "service";
                case FlowLog.ReplyTranslated: return "undnat";
                case FlowLog.PolicyAllowed: return "allowed";
                case FlowLog.PolicyDenied: return "denied";
                default: return "dropped";
            }
        }

        // The headers a hop recorded: IPv4 source/destination and the L4 ports, "a:p > b:q".
        private static string Tuple(Node node, int hop)
        {
            var words = new uint[PacketTrace.Words];
            var h = new byte[PacketTrace.HeaderBytes];
            node.Context.Trace.Read(hop, words, h);
            int ip = EthernetFrame.HeaderLength;
            int l4 = ip + (h[ip] & 0x0F) * 4;
            return Ipv4Address.Format(NetworkOrder.ReadU32(h, ip + 12)) + ":" + ((h[l4] << 8) | h[l4 + 1]).ToString() + " > "
                + Ipv4Address.Format(NetworkOrder.ReadU32(h, ip + 16)) + ":" + ((h[l4 + 2] << 8) | h[l4 + 3]).ToString();
        }

        private static int TcpFlagsAt(Node node, int hop)
        {
            var words = new uint[PacketTrace.Words];
            var h = new byte[PacketTrace.HeaderBytes];
            node.Context.Trace.Read(hop, words, h);
            int l4 = EthernetFrame.HeaderLength + (h[EthernetFrame.HeaderLength] & 0x0F) * 4;
            return h[l4 + 13];
        }

        private static bool ReplyDelivered(Node node)
        {
            string path = node.Context.Trace == null ? "" : Path(node);
            return path.IndexOf("bridged reply 0>") >= 0;
        }

        [TestMethod]
        public void A_SYN_to_a_Service_is_traced_through_the_pick_the_overlay_and_the_endpoint_and_its_answer_back()
        {
            var cluster = new TestCluster(3, 51);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox web2 = cluster.Node(2).AddPod("default", "web-2", 0);
            PodSandbox web3 = cluster.Node(3).AddPod("default", "web-3", 0);
            TcpSocket listener2 = web2.Listen(8080, 2);
            TcpSocket listener3 = web3.Listen(8080, 2);
            Serve(cluster, IpProtocol.Tcp, new PodSandbox[] { web2, web3 }, new int[] { 2, 3 }, 8080);

            Arm(cluster, 1, PacketTrace.SendOne, client, IpProtocol.Tcp, Vip, 80);
            Node node = cluster.Node(1);
            Assert.IsTrue(cluster.RunUntil(delegate { return ReplyDelivered(node); }, 500), Path(node));

            // The endpoint the client's board picked is the board the packet went on to, and only that one.
            int picked = Path(cluster.Node(2)).Length > 0 ? 2 : 3;
            int other = picked == 2 ? 3 : 2;
            string peer = Ipv4Address.Format(TestCluster.BoardAddress(picked));
            PodSandbox endpoint = picked == 2 ? web2 : web3;
            Assert.AreEqual(0, cluster.Node(other).Context.Trace.Count, Path(cluster.Node(other)));

            Assert.AreEqual(
                "bridged request 1>0 | routed request peer translated " + peer + " [service] | encapsulated request " + peer + " vni 1"
                + " | decapsulated reply " + peer + " | routed reply pod translated [undnat] | bridged reply 0>1",
                Path(node));
            Assert.AreEqual(
                "decapsulated request " + Ipv4Address.Format(TestCluster.BoardAddress(1)) + " | routed request pod accepted | bridged request 0>1"
                + " | bridged reply 1>0 | routed reply peer accepted " + Ipv4Address.Format(TestCluster.BoardAddress(1))
                + " | encapsulated reply " + Ipv4Address.Format(TestCluster.BoardAddress(1)) + " vni 1",
                Path(cluster.Node(picked)));

            // The headers as each point left them: DNATed to the endpoint by the pick, un-DNATed on the way back.
            string c = Ipv4Address.Format(client.Address), e = Ipv4Address.Format(endpoint.Address);
            string sent = Tuple(node, 0);
            Assert.IsTrue(sent.IndexOf(c + ":") == 0 && sent.IndexOf(" > 10.96.0.31:80") > 0, sent);
            Assert.IsTrue(Tuple(node, 1).IndexOf(" > " + e + ":8080") > 0, Tuple(node, 1));
            Assert.AreEqual(TcpFlags.Syn, TcpFlagsAt(node, 0));
            Assert.IsTrue(Tuple(node, 4).IndexOf("10.96.0.31:80 > " + c + ":") == 0, Tuple(node, 4));
            Assert.AreEqual(TcpFlags.Syn | TcpFlags.Ack, TcpFlagsAt(node, 4));

            // What the packet really did: the picked endpoint's stack answered (its SYN-ACK is the
            // traced reply), the client's board remembers the connection to that endpoint.
            var conntrack = new TextBuilder();
            ConntrackView.Render(node.Proxy.Conntrack, cluster.Clock.Now, conntrack);
            Assert.IsTrue(conntrack.ToString().IndexOf("src=" + e + " dst=" + c + " sport=8080 ") > 0, conntrack.ToString());
            Assert.AreEqual(2L, node.Flows.Written, "one pick and one first reply on the client's board");
        }

        [TestMethod]
        public void A_packet_a_policy_denies_is_traced_to_its_drop_with_the_policy_that_decided()
        {
            var cluster = new TestCluster(1, 52);
            Node node = cluster.Node(1);
            PodSandbox client = node.AddPod("default", "client", 0);
            PodSandbox server = node.AddPod("default", "server", 0);
            UdpSocket listening = server.OpenUdp(53);
            var set = new PolicySet(1, 0, 1, 0);
            set.AddPolicy("default/deny-in", PolicyTypes.Ingress);
            set.AddSubject(server.Address);
            node.EnforcePolicies(set);

            Arm(cluster, 1, PacketTrace.SendOne, client, IpProtocol.Udp, server.Address, 53);
            Assert.IsTrue(cluster.RunUntil(delegate { return node.Drops[DropReason.PolicyDenied] >= 1; }, 200));
            cluster.Run(5);

            // Pod to pod on one bridge: the bridge's forward hook (policy) decided; nothing came back.
            Assert.AreEqual("dropped request policy-denied [denied]", Path(node));
            Assert.IsFalse(listening.HasData);
        }

        [TestMethod]
        public void A_Service_without_endpoints_is_traced_to_kube_proxys_reject_and_the_ICMP_error_back()
        {
            var cluster = new TestCluster(1, 53);
            Node node = cluster.Node(1);
            PodSandbox client = node.AddPod("default", "client", 0);
            Serve(cluster, IpProtocol.Udp, new PodSandbox[0], new int[0], 53);

            Arm(cluster, 1, PacketTrace.SendOne, client, IpProtocol.Udp, Vip, 80);
            Assert.IsTrue(cluster.RunUntil(delegate { return ReplyDelivered(node); }, 200), Path(node));

            // The node answers before it lets the packet go, as iptables' REJECT sends its error.
            Assert.AreEqual(
                "bridged request 1>0 | routed request rejected rejected | routed reply from-node accepted | dropped request no-endpoint"
                + " | bridged reply 0>1",
                Path(node));
        }

        [TestMethod]
        public void A_question_to_the_cluster_DNS_is_traced_to_the_node_that_answers_it_and_the_answer_back()
        {
            var cluster = new TestCluster(1, 57);
            Node node = cluster.Node(1);
            PodSandbox client = node.AddPod("default", "client", 0);

            Arm(cluster, 1, PacketTrace.SendOne, client, IpProtocol.Udp, node.Config.DnsAddress, 53);
            Assert.IsTrue(cluster.RunUntil(delegate { return ReplyDelivered(node); }, 200), Path(node));

            Assert.AreEqual("bridged request 1>0 | routed request node accepted | routed reply from-node accepted | bridged reply 0>1", Path(node));
            Assert.AreEqual(1L, node.Flows.Written, "the node answered a real question");
            var text = new TextBuilder();
            FlowView.Render(node.Flows, node.Proxy.Services, 0, 0, text);
            Assert.IsTrue(text.ToString().IndexOf(" name kubernetes.default.svc.cluster.local.") > 0, text.ToString());
        }

        [TestMethod]
        public void Following_a_pods_own_next_packet_marks_it_without_changing_what_arrives()
        {
            var cluster = new TestCluster(2, 54);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
            UdpSocket listening = server.OpenUdp(7000);
            UdpSocket socket = client.OpenUdp(40010);

            Arm(cluster, 1, PacketTrace.FollowNext, client, IpProtocol.Udp, server.Address, 7000);
            Node node = cluster.Node(1);
            Assert.AreEqual(0, node.Context.Trace.Count, "nothing is traced before the pod sends");

            socket.SendTo(server.Address, 7000, new byte[] { 1, 2, 3 }, 0, 3);
            Assert.IsTrue(cluster.RunUntil(delegate { return listening.HasData; }, 200));

            // The datagram arrived whole (the mark kept its checksums right) and its path was recorded.
            byte[] got = new byte[8];
            uint from;
            ushort fromPort;
            Assert.AreEqual(3, listening.ReceiveFrom(got, 0, got.Length, out from, out fromPort));
            Assert.AreEqual(3, (int)got[2]);
            Assert.AreEqual(0L, cluster.Node(2).Drops.Total, cluster.DropsText());
            Assert.AreEqual("bridged request 1>0 | routed request peer accepted " + Ipv4Address.Format(TestCluster.BoardAddress(2))
                + " | encapsulated request " + Ipv4Address.Format(TestCluster.BoardAddress(2)) + " vni 1", Path(node));
            Assert.AreEqual("decapsulated request " + Ipv4Address.Format(TestCluster.BoardAddress(1)) + " | routed request pod accepted | bridged request 0>1",
                Path(cluster.Node(2)));

            // A second datagram is not the one followed: it crosses unmarked and unrecorded.
            socket.SendTo(server.Address, 7000, new byte[] { 4 }, 0, 1);
            Assert.IsTrue(cluster.RunUntil(delegate { return listening.HasData; }, 200));
            Assert.AreEqual(3, node.Context.Trace.Count);
        }

        [TestMethod]
        public void The_view_gives_each_hop_its_headers_and_the_events_its_point_wrote()
        {
            var cluster = new TestCluster(2, 55);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox web = cluster.Node(2).AddPod("default", "web", 0);
            web.Listen(8080, 2);
            Serve(cluster, IpProtocol.Tcp, new PodSandbox[] { web }, new int[] { 2 }, 8080);
            Arm(cluster, 1, PacketTrace.SendOne, client, IpProtocol.Tcp, Vip, 80);
            Node node = cluster.Node(1);
            Assert.IsTrue(cluster.RunUntil(delegate { return ReplyDelivered(node); }, 500), Path(node));

            var text = new TextBuilder();
            TraceView.Render(node.Context.Trace, node.Proxy.Services, 4000, text);
            string[] lines = text.ToString().Split('\n');
            Assert.AreEqual("trace " + Mark.ToString() + " 6 0 4000 armed", lines[0]);
            Assert.IsTrue(lines[1].IndexOf("hop ") == 0 && lines[1].IndexOf(" 1 request 1 0 ") > 0, lines[1]);

            // The routed hop: its frame's bytes in hex (an IPv4 header at byte 14), then the pick in the flows view's words.
            string[] hop = lines[2].Split(' ');
            Assert.AreEqual("2", hop[2]);
            Assert.AreEqual(((uint)(PacketTrace.ToPeer | (1 << 8))).ToString(), hop[4]);
            Assert.AreEqual("45", hop[6].Substring(28, 2));
            Assert.IsTrue(lines[3].IndexOf(" service TCP " + Ipv4Address.Format(client.Address) + ":") > 0, lines[3]);
            Assert.IsTrue(lines[3].IndexOf("dnat " + Ipv4Address.Format(web.Address) + ":8080 service default/web:http pick 1/1") > 0, lines[3]);
        }

        [TestMethod]
        public void Hops_beyond_the_record_are_counted_and_a_trace_runs_out()
        {
            var clock = new ManualClock();
            var trace = new PacketTrace(8, Mark, 100, null, clock);
            byte[] frame = new byte[60];
            frame[12] = 0x08;
            frame[14] = 0x45;
            frame[18] = (byte)(Mark >> 8);
            frame[19] = (byte)(Mark & 0xFF);
            Assert.IsTrue(trace.Begin(frame, 0, frame.Length, false));
            for (int i = 0; i < 10; i++)
            {
                trace.Record(PacketTrace.Bridged, 1, 0, frame, 0, frame.Length);
            }

            Assert.AreEqual(8, trace.Count);
            Assert.AreEqual(2, trace.Lost);

            frame[19] = (byte)((Mark + 2) & 0xFF); // another packet's identification
            Assert.IsFalse(trace.Begin(frame, 0, frame.Length, true));
            frame[19] = (byte)((Mark + 1) & 0xFF); // the reply's
            Assert.IsTrue(trace.Marked(frame, 0, frame.Length));
            clock.Now = 101;
            Assert.IsFalse(trace.Marked(frame, 0, frame.Length), "its time ran out");
            Assert.IsFalse(trace.Armed(101));
        }

        [TestMethod]
        public void A_board_that_only_records_keeps_nothing_of_unmarked_traffic_and_clearing_lets_the_trace_go()
        {
            var cluster = new TestCluster(2, 56);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
            UdpSocket listening = server.OpenUdp(7000);
            Node node = cluster.Node(1);
            Assert.IsNull(PacketTrace.Start(node.Context, node.Flows, Mark, 5000, PacketTrace.RecordOnly, null, 0, 0, 0));

            client.OpenUdp(40011).SendTo(server.Address, 7000, new byte[] { 9 }, 0, 1);
            Assert.IsTrue(cluster.RunUntil(delegate { return listening.HasData; }, 200));
            Assert.AreEqual(0, node.Context.Trace.Count);

            Assert.IsNull(PacketTrace.Start(node.Context, node.Flows, Mark, 0, PacketTrace.RecordOnly, null, 0, 0, 0));
            Assert.IsNull(node.Context.Trace);
            Assert.AreEqual("no such pod on this node", PacketTrace.Start(node.Context, node.Flows, Mark, 5000, PacketTrace.SendOne, null, IpProtocol.Tcp, server.Address, 80));
        }
    }
}
