#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Dns;
using Edge.Dataplane.Net;
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
    /// The board's flow events: what its dataplane decided, recorded as it decided it: a new
    /// connection to a Service with the endpoint picked (and which of how many), its first reply
    /// translated back, a policy's verdict with the policy and its side, a drop with its reason
    /// and the packet's addresses. Established packets record nothing; the ring keeps the newest.
    /// </summary>
    [TestClass]
    public class FlowTests
    {
        private static readonly uint Vip = Ipv4Address.FromOctets(10, 96, 0, 21);
        private const byte Ready = EndpointFlags.Ready | EndpointFlags.Serving;

        private static void Serve(TestCluster cluster, ushort port, byte protocol, PodSandbox[] pods, int[] boards, ushort targetPort)
        {
            for (int board = 1; board <= cluster.Nodes.Length; board++)
            {
                var service = new Service { Namespace = "default", Name = "web", PortName = "http", ClusterIp = Vip, Port = port, Protocol = protocol };
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

        private static string Lines(Node node, long since)
        {
            var text = new TextBuilder();
            FlowView.Render(node.Flows, node.Proxy.Services, since, 123456, text);
            return text.ToString();
        }

        // A line's words after its sequence number and time (which depend on the run).
        private static string Event(string lines, int index)
        {
            string[] all = lines.Split('\n');
            string line = all[index + 1];
            int first = line.IndexOf(' ');
            int second = line.IndexOf(' ', first + 1);
            return line.Substring(second + 1);
        }

        [TestMethod]
        public void A_connection_to_a_Service_records_the_endpoint_picked_and_its_first_reply_and_nothing_after()
        {
            var cluster = new TestCluster(2, 41);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
            UdpSocket listening = server.OpenUdp(8080);
            Serve(cluster, 80, IpProtocol.Udp, new PodSandbox[] { server }, new int[] { 2 }, 8080);
            UdpSocket socket = client.OpenUdp(40001);
            byte[] buffer = new byte[8];
            uint from;
            ushort fromPort;

            for (int round = 0; round < 3; round++)
            {
                socket.SendTo(Vip, 80, new byte[] { 42 }, 0, 1);
                Assert.IsTrue(cluster.RunUntil(delegate { return listening.HasData; }, 200));
                listening.ReceiveFrom(buffer, 0, buffer.Length, out from, out fromPort);
                listening.SendTo(from, fromPort, buffer, 0, 1);
                Assert.IsTrue(cluster.RunUntil(delegate { return socket.HasData; }, 200));
                socket.ReceiveFrom(buffer, 0, buffer.Length, out from, out fromPort);
            }

            // The client's board made the decisions: one pick, one first reply, though three round trips went.
            Node node = cluster.Node(1);
            Assert.AreEqual(2L, node.Flows.Written);
            string c = Ipv4Address.Format(client.Address), s = Ipv4Address.Format(server.Address);
            string lines = Lines(node, 0);
            Assert.IsTrue(lines.IndexOf("flows 2 1 256 123456\n") == 0, lines);
            Assert.AreEqual("service UDP " + c + ":40001 10.96.0.21:80 dnat " + s + ":8080 service default/web:http pick 1/1", Event(lines, 0));
            Assert.AreEqual("reply UDP " + s + ":8080 " + c + ":40001 undnat 10.96.0.21:80", Event(lines, 1));
            Assert.AreEqual(0L, cluster.Node(2).Flows.Written); // the endpoint's board only delivered

            // Read again after what was seen: nothing new.
            Assert.AreEqual("flows 2 1 256 123456\n", Lines(node, 2));
        }

        [TestMethod]
        public void A_Service_without_endpoints_records_the_refused_packet_with_its_reason()
        {
            var cluster = new TestCluster(1, 42);
            Node node = cluster.Node(1);
            PodSandbox client = node.AddPod("default", "client", 0);
            Serve(cluster, 53, IpProtocol.Udp, new PodSandbox[0], new int[0], 53);
            UdpSocket socket = client.OpenUdp(40002);
            socket.SendTo(Vip, 53, new byte[] { 1 }, 0, 1);
            Assert.IsTrue(cluster.RunUntil(delegate { return node.Flows.Written >= 1; }, 200));

            Assert.AreEqual("dropped UDP " + Ipv4Address.Format(client.Address) + ":40002 10.96.0.21:53 reason no-endpoint", Event(Lines(node, 0), 0));
        }

        [TestMethod]
        public void A_policy_verdict_records_the_policy_and_the_side_that_decided()
        {
            var cluster = new TestCluster(1, 43);
            Node node = cluster.Node(1);
            PodSandbox client = node.AddPod("default", "client", 0);
            PodSandbox server = node.AddPod("default", "server", 0);
            UdpSocket listening = server.OpenUdp(53);

            // One policy isolating the server's ingress, with no rule: nothing may come in.
            var set = new PolicySet(1, 0, 1, 0);
            set.AddPolicy("default/deny-in", PolicyTypes.Ingress);
            set.AddSubject(server.Address);
            node.EnforcePolicies(set);

            UdpSocket socket = client.OpenUdp(40003);
            socket.SendTo(server.Address, 53, new byte[] { 1 }, 0, 1);
            Assert.IsTrue(cluster.RunUntil(delegate { return node.Drops[DropReason.PolicyDenied] >= 1; }, 200));
            Assert.IsFalse(listening.HasData);

            // One event for the drop, by the engine that decided it, naming the policy.
            Assert.AreEqual(1L, node.Flows.Written);
            string tuple = "UDP " + Ipv4Address.Format(client.Address) + ":40003 " + Ipv4Address.Format(server.Address) + ":53";
            Assert.AreEqual("denied " + tuple + " policy policy#0 rule - ingress", Event(Lines(node, 0), 0));
        }

        [TestMethod]
        public void A_NodePort_client_relayed_to_an_endpoint_records_the_pick_from_the_port_it_called()
        {
            var cluster = new TestCluster(2, 44, 0, null, true);
            PodSandbox web = cluster.Node(2).AddPod("default", "web", 0);
            cluster.Run("whoami", web, 2);
            for (int board = 1; board <= 2; board++)
            {
                var service = new Service { Namespace = "default", Name = "web", PortName = "http", ClusterIp = Vip, Port = 80, Protocol = IpProtocol.Tcp, NodePort = 30080 };
                service.Type = ServiceType.NodePort;
                service.SetEndpoints(new uint[] { web.Address }, new ushort[] { 80 }, new byte[] { (byte)(Ready | (board == 2 ? EndpointFlags.Local : 0)) });
                Assert.IsTrue(cluster.Node(board).Proxy.SetService(service));
            }

            cluster.Run(2);
            uint client = Ipv4Address.FromOctets(192, 168, 50, 7);
            LabConnection connection = null;
            Assert.IsTrue(cluster.RunUntil(delegate { return (connection = cluster.Sockets[0].Dial(30080, client)) != null; }, 1000));
            Node node = cluster.Node(1);
            Assert.IsTrue(cluster.RunUntil(delegate { return node.Flows.Written >= 1; }, 1000));

            string line = Event(Lines(node, 0), 0);
            Assert.IsTrue(line.IndexOf("service TCP 192.168.50.7:") == 0, line);
            Assert.IsTrue(line.IndexOf(" " + Ipv4Address.Format(node.Config.Address) + ":30080 dnat " + Ipv4Address.Format(web.Address) + ":80 service default/web:http pick 1/1 snat") > 0, line);
            connection.Close();
        }

        [TestMethod]
        public void A_pod_its_own_Service_picked_is_recorded_masqueraded()
        {
            var cluster = new TestCluster(1, 46);
            Node node = cluster.Node(1);
            PodSandbox web = node.AddPod("default", "web", 0);
            UdpSocket listening = web.OpenUdp(8080);
            Serve(cluster, 80, IpProtocol.Udp, new PodSandbox[] { web }, new int[] { 1 }, 8080);
            web.OpenUdp(40006).SendTo(Vip, 80, new byte[] { 1 }, 0, 1);
            Assert.IsTrue(cluster.RunUntil(delegate { return listening.HasData; }, 200));

            // Hairpin: kube-proxy masquerades it, or the pod would answer itself from its own address.
            string w = Ipv4Address.Format(web.Address);
            Assert.AreEqual("service UDP " + w + ":40006 10.96.0.21:80 dnat " + w + ":8080 service default/web:http pick 1/1 snat", Event(Lines(node, 0), 0));
        }

        [TestMethod]
        public void A_DNS_answer_records_the_question_its_rcode_and_the_address_answered()
        {
            var cluster = new TestCluster(1, 45);
            Node node = cluster.Node(1);
            PodSandbox client = node.AddPod("default", "client", 0);
            Serve(cluster, 80, IpProtocol.Tcp, new PodSandbox[0], new int[0], 80);
            UdpSocket socket = client.OpenUdp(40005);
            byte[] answer = new byte[512];
            uint from;
            ushort fromPort;
            foreach (string name in new string[] { "web.default.svc.cluster.local.", "nothing.default.svc.cluster.local." })
            {
                byte[] query = DnsMessage.Query(name, DnsType.A, 0x4242, 0);
                socket.SendTo(node.Config.DnsAddress, 53, query, 0, query.Length);
                Assert.IsTrue(cluster.RunUntil(delegate { return socket.HasData; }, 200));
                socket.ReceiveFrom(answer, 0, answer.Length, out from, out fromPort);
            }

            string lines = Lines(node, 0);
            string tuple = "dns UDP " + Ipv4Address.Format(client.Address) + ":40005 " + Ipv4Address.Format(node.Config.DnsAddress) + ":53";
            Assert.AreEqual(tuple + " type 1 rcode 0 answers 1 answer 10.96.0.21 name web.default.svc.cluster.local.", Event(lines, 0));
            Assert.AreEqual(tuple + " type 1 rcode 3 answers 0 answer - name nothing.default.svc.cluster.local.", Event(lines, 1));
        }

        [TestMethod]
        public void A_DNS_events_name_goes_when_a_newer_one_takes_its_slot()
        {
            var clock = new ManualClock();
            var flows = new FlowLog(16, clock); // a WROOM board's: two name slots
            byte[] query = DnsMessage.Query("a.default.svc.cluster.local.", DnsType.A, 1, 0);
            for (int i = 0; i < 3; i++)
            {
                query[DnsHeader.Length + 1] = (byte)('a' + i);
                flows.Dns(IpProtocol.Udp, 1, 2, 3, 0, 0, query, DnsHeader.Length, query.Length);
            }

            var e = new uint[FlowLog.Words];
            Assert.IsTrue(flows.Read(1, e));
            Assert.IsNull(flows.Name(1, e));
            Assert.IsTrue(flows.Read(3, e));
            Assert.AreEqual("c.default.svc.cluster.local.", flows.Name(3, e));

            // A name longer than a slot is kept to its first characters, cut where it says so.
            byte[] longer = DnsMessage.Query("nothing.default.svc.cluster.local.default.svc.cluster.local.", DnsType.A, 2, 0);
            flows.Dns(IpProtocol.Udp, 1, 2, 3, 0, 0, longer, DnsHeader.Length, longer.Length);
            Assert.IsTrue(flows.Read(4, e));
            Assert.AreEqual("nothing.default.svc.cluster.local.default.svc.cluster.lo...", flows.Name(4, e));
        }

        [TestMethod]
        public void The_ring_keeps_the_newest_and_says_how_many_it_let_go()
        {
            var clock = new ManualClock();
            var flows = new FlowLog(4, clock);
            for (int i = 1; i <= 6; i++)
            {
                clock.Now = i * 10;
                flows.Write(FlowLog.Dropped, IpProtocol.Tcp, DropReason.NoRoute, (uint)i, 0, 0, 0, 0);
            }

            Assert.AreEqual(6L, flows.Written);
            Assert.AreEqual(3L, flows.Oldest);
            var e = new uint[FlowLog.Words];
            Assert.IsFalse(flows.Read(2, e)); // overwritten
            Assert.IsTrue(flows.Read(3, e));
            Assert.AreEqual(3u, e[2]);
            Assert.AreEqual(30u, e[0]);
            Assert.IsFalse(flows.Read(7, e)); // not written yet
        }
    }
}
