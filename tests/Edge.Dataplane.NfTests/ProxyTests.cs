#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;
using Edge.Dataplane.Workloads;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// kube-proxy on the board: the service table, ClusterIP DNAT and the reply translated back
    /// (across the overlay and over the bridge), REJECT without endpoints, conntrack expiry,
    /// round robin, ClientIP affinity, and NodePort from a client on the lab LAN.
    /// </summary>
    [TestClass]
    public class ProxyTests
    {
        private static readonly uint Vip = Ipv4Address.FromOctets(10, 96, 0, 20);
        private const byte Ready = EndpointFlags.Ready | EndpointFlags.Serving;

        /// <summary>
        /// Gives every board's proxy service "web" (Vip:port) with the endpoints (pod, its board),
        /// each at targetPort, flagged Local on its own board; returns board 1's copy.
        /// </summary>
        private static Service Push(TestCluster cluster, ushort port, byte protocol, PodSandbox[] pods, int[] boards, ushort targetPort, int affinitySeconds, ushort nodePort)
        {
            Service first = null;
            for (int board = 1; board <= cluster.Nodes.Length; board++)
            {
                var service = new Service { Name = "web", ClusterIp = Vip, Port = port, Protocol = protocol, NodePort = nodePort };
                service.Type = nodePort != 0 ? ServiceType.NodePort : ServiceType.ClusterIP;
                if (affinitySeconds > 0)
                {
                    service.ClientIpAffinity = true;
                    service.AffinityTimeoutSeconds = affinitySeconds;
                }

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
                if (first == null)
                {
                    first = service;
                }
            }

            return first;
        }

        /// <summary>New connections board 1's proxy counted for its copy of the service.</summary>
        private static long Connections(TestCluster cluster, Service service)
        {
            return cluster.Node(1).Proxy.Services.Connections(service);
        }

        /// <summary>One UDP exchange with Vip:port from a new socket on sourcePort (a new 5-tuple: a new connection); the reply's source.</summary>
        private static uint RoundTrip(TestCluster cluster, PodSandbox client, ushort sourcePort, ushort port, out ushort replyPort)
        {
            UdpSocket socket = client.OpenUdp(sourcePort);
            Assert.IsNotNull(socket);
            socket.SendTo(Vip, port, new byte[] { 1, 2, 3 }, 0, 3);
            Assert.IsTrue(cluster.RunUntil(delegate { return socket.HasData; }, 200), "no reply; drops " + cluster.DropsText());
            byte[] buffer = new byte[16];
            uint from;
            Assert.AreEqual(3, socket.ReceiveFrom(buffer, 0, buffer.Length, out from, out replyPort));
            Assert.AreEqual((byte)3, buffer[2]);
            socket.Close();
            return from;
        }

        /// <summary>Three boards with an echo pod on each (web-1..3), endpoints of "web" port 7.</summary>
        private static TestCluster EchoOnEveryBoard(uint seed, Configure configure, int affinitySeconds, out Service service, out EchoServer[] echo)
        {
            var cluster = new TestCluster(3, seed, configure);
            PodSandbox[] pods = new PodSandbox[3];
            echo = new EchoServer[3];
            for (int board = 1; board <= 3; board++)
            {
                pods[board - 1] = cluster.Node(board).AddPod("default", "web-" + board.ToString(), 0);
                echo[board - 1] = (EchoServer)cluster.Run("echo", pods[board - 1], board);
            }

            service = Push(cluster, 7, IpProtocol.Udp, pods, new int[] { 1, 2, 3 }, 7, affinitySeconds, 0);
            return cluster;
        }

        // How many exchanges an endpoint's echo pod answered (RoundTrip sends three bytes), as the pod saw them.
        private static long Taken(EchoServer echo)
        {
            return echo.BytesEchoed / 3;
        }

        // How many of the endpoints' echo pods have answered a connection.
        private static int Used(EchoServer[] echo)
        {
            int n = 0;
            for (int i = 0; i < echo.Length; i++)
            {
                n += echo[i].BytesEchoed > 0 ? 1 : 0;
            }

            return n;
        }

        [TestMethod]
        public void A_service_is_found_by_its_virtual_IP_port_and_protocol()
        {
            var table = new ServiceTable(32);
            var web = new Service { Namespace = "default", Name = "web", PortName = "http", ClusterIp = 0x0A600014, Port = 80 };
            web.SetEndpoints(new uint[] { 0x0AF40102, 0x0AF40202 }, new ushort[] { 80, 80 },
                new byte[] { EndpointFlags.Ready | EndpointFlags.Serving, EndpointFlags.Ready | EndpointFlags.Serving });
            table.Set(web);

            Assert.AreSame(web, table.Lookup(0x0A600014, 80, IpProtocol.Tcp));
            Assert.IsNull(table.Lookup(0x0A600014, 80, IpProtocol.Udp));
            Assert.IsNull(table.Lookup(0x0A600014, 8080, IpProtocol.Tcp));
            Assert.AreSame(web, table.Find("default", "web", "http"));
            Assert.IsNotNull(table.Remove("default", "web", "http"));
            Assert.IsNull(table.Lookup(0x0A600014, 80, IpProtocol.Tcp));
        }

        [TestMethod]
        public void A_ClusterIP_is_DNATed_to_a_pod_on_another_board_and_the_reply_comes_back_from_the_service()
        {
            var cluster = new TestCluster(2, 31);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
            UdpSocket listening = server.OpenUdp(8080);
            Service service = Push(cluster, 80, IpProtocol.Udp, new PodSandbox[] { server }, new int[] { 2 }, 8080, 0, 0);
            UdpSocket socket = client.OpenUdp(40001);

            socket.SendTo(Vip, 80, new byte[] { 42 }, 0, 1);
            Assert.IsTrue(cluster.RunUntil(delegate { return listening.HasData; }, 200));
            byte[] buffer = new byte[8];
            uint from;
            ushort fromPort;
            uint to;
            Assert.AreEqual(1, listening.ReceiveFrom(buffer, 0, buffer.Length, out from, out fromPort, out to));
            Assert.AreEqual(client.Address, from); // no SNAT inside the cluster: the pod sees its client
            Assert.AreEqual((ushort)40001, fromPort);
            Assert.AreEqual(server.Address, to); // DNAT: the virtual IP became the endpoint's

            listening.SendTo(from, fromPort, buffer, 0, 1);
            Assert.IsTrue(cluster.RunUntil(delegate { return socket.HasData; }, 200));
            Assert.AreEqual(1, socket.ReceiveFrom(buffer, 0, buffer.Length, out from, out fromPort));
            Assert.AreEqual(Vip, from); // un-DNATed: the answer is the service's
            Assert.AreEqual((ushort)80, fromPort);

            // The translation is the client's node's: one tracked connection there, none on the endpoint's.
            Assert.AreEqual(1, cluster.Node(1).Proxy.Conntrack.Count);
            Assert.AreEqual(0, cluster.Node(2).Proxy.Conntrack.Count);
            Assert.AreEqual(1L, Connections(cluster, service));
            socket.SendTo(Vip, 80, new byte[] { 43 }, 0, 1); // the same 5-tuple rides its entry
            Assert.IsTrue(cluster.RunUntil(delegate { return listening.HasData; }, 200));
            Assert.AreEqual(1L, Connections(cluster, service));
            Assert.AreEqual(1, cluster.Node(1).Proxy.Conntrack.Count);
        }

        [TestMethod]
        public void An_endpoint_on_the_clients_own_board_answers_through_the_bridge_translated_back()
        {
            var cluster = new TestCluster(2, 32);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(1).AddPod("default", "server", 0);
            cluster.Run("echo", server, 1);
            Push(cluster, 53, IpProtocol.Udp, new PodSandbox[] { server }, new int[] { 1 }, 7, 0, 0);

            ushort replyPort;
            Assert.AreEqual(Vip, RoundTrip(cluster, client, 40002, 53, out replyPort));
            Assert.AreEqual((ushort)53, replyPort);

            // The request went through the gateway (DNAT); the reply was switched pod to pod,
            // and the bridge's filter translated it back (br_netfilter's job).
            Assert.AreEqual(0L, cluster.Node(1).Overlay.Sent);
            Assert.AreEqual(0L, cluster.Node(1).Drops.Total);
        }

        [TestMethod]
        public void A_service_with_no_endpoint_rejects_with_port_unreachable_from_the_service_IP()
        {
            var cluster = new TestCluster(2, 33);
            Node node = cluster.Node(1);
            PodSandbox client = node.AddPod("default", "client", 0);
            Service service = Push(cluster, 80, IpProtocol.Tcp, new PodSandbox[0], new int[0], 80, 0, 0);
            Capture toClient = Capture.OnBridgePort(node.Bridge, Bridge.GatewayPort);

            TcpSocket socket = client.Connect(Vip, 80);
            Assert.IsTrue(cluster.RunUntil(delegate { return socket.State == TcpState.Closed; }, 500));

            Assert.AreEqual(TcpError.Refused, socket.Error); // connection refused at once, as iptables' REJECT gives
            Assert.AreEqual(1L, cluster.Node(1).Proxy.Services.Rejected(service));
            Assert.AreEqual(1L, node.Drops[DropReason.NoEndpoint]);
            var decoder = new FrameDecoder();
            byte[] frame = IcmpFrames.First(toClient.Frames(), IcmpType.DestinationUnreachable, decoder);
            Assert.IsNotNull(frame);
            Assert.AreEqual(IcmpType.PortUnreachable, decoder.Icmp.Code);
            Assert.AreEqual(Vip, decoder.Ipv4.Source); // from the address the client called
            Assert.AreEqual(client.Address, decoder.Ipv4.Destination);
        }

        [TestMethod]
        public void Conntrack_entries_expire_after_30_seconds_unreplied_and_120_seconds_replied()
        {
            var cluster = new TestCluster(2, 34);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
            cluster.Run("echo", server, 2);
            Service service = Push(cluster, 7, IpProtocol.Udp, new PodSandbox[] { server }, new int[] { 2 }, 7, 0, 0);
            Conntrack conntrack = cluster.Node(1).Proxy.Conntrack;
            Assert.AreEqual(30000, ConntrackTimeouts.UdpUnreplied);
            Assert.AreEqual(120000, ConntrackTimeouts.UdpReplied);

            ushort replyPort;
            RoundTrip(cluster, client, 40003, 7, out replyPort);
            Assert.AreEqual(1, conntrack.Count);
            cluster.Clock.Now += ConntrackTimeouts.UdpReplied - 1000; // idle, just short of the timeout
            cluster.Run(20);
            Assert.AreEqual(1, conntrack.Count);
            cluster.Clock.Now += 1000;
            cluster.Run(SweepMs(conntrack)); // dead now (lookups check); the sweep gives the room back within its period
            Assert.AreEqual(0, conntrack.Count);

            // A datagram nobody answers (no echo on port 9 behind this service) is tracked for 30 s only.
            Push(cluster, 7, IpProtocol.Udp, new PodSandbox[] { server }, new int[] { 2 }, 9, 0, 0);
            UdpSocket socket = client.OpenUdp(40004);
            socket.SendTo(Vip, 7, new byte[] { 1 }, 0, 1);
            cluster.Run(20);
            Assert.AreEqual(1, conntrack.Count);
            cluster.Clock.Now += ConntrackTimeouts.UdpUnreplied - 100;
            cluster.Run(20);
            Assert.AreEqual(1, conntrack.Count);
            cluster.Clock.Now += 100;
            cluster.Run(SweepMs(conntrack));
            Assert.AreEqual(0, conntrack.Count);
        }

        // How long the node's tick takes to look at every entry of the table, a slice at a time.
        private static int SweepMs(Conntrack conntrack)
        {
            return (conntrack.Capacity / ServiceProxy.ExpirySlice + 1) * NodeContext.TickMs;
        }

        [TestMethod]
        public void In_round_robin_mode_new_connections_take_the_endpoints_in_turn()
        {
            Service service;
            EchoServer[] echo;
            TestCluster cluster = EchoOnEveryBoard(35, delegate(NodeConfig c) { c.ProxyMode = ProxyMode.RoundRobin; }, 0, out service, out echo);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);

            for (int i = 0; i < 9; i++)
            {
                ushort replyPort;
                Assert.AreEqual(Vip, RoundTrip(cluster, client, (ushort)(41000 + i), 7, out replyPort));
                for (int e = 0; e < 3; e++)
                {
                    // After connection i, endpoints 0..i%3 have one more than the rest.
                    Assert.AreEqual((long)(i / 3 + (e <= i % 3 ? 1 : 0)), Taken(echo[e]), "connection " + i.ToString() + ", endpoint " + e.ToString());
                }
            }
        }

        [TestMethod]
        public void Client_IP_affinity_keeps_a_client_on_one_endpoint_until_the_timeout_passes()
        {
            Service service;
            EchoServer[] echo;
            TestCluster cluster = EchoOnEveryBoard(36, null, 10, out service, out echo);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            ushort replyPort;

            for (int i = 0; i < 10; i++)
            {
                RoundTrip(cluster, client, (ushort)(42000 + i), 7, out replyPort);
            }

            Assert.AreEqual(1, Used(echo)); // ten connections, one endpoint
            Assert.AreEqual(10L, Connections(cluster, service));

            for (int i = 0; i < 12; i++)
            {
                cluster.Clock.Now += 11000; // idle past the affinity timeout: the next connection chooses afresh
                RoundTrip(cluster, client, (ushort)(43000 + i), 7, out replyPort);
            }

            Assert.IsTrue(Used(echo) > 1);
        }

        [TestMethod]
        public void A_NodePort_takes_a_lab_client_on_the_boards_address_to_a_pod_on_another_board()
        {
            var cluster = new TestCluster(2, 37, 0, null, true);
            PodSandbox server = cluster.Node(2).AddPod("default", "web-2", 0);
            cluster.Run("echo", server, 2);
            Service service = Push(cluster, 80, IpProtocol.Tcp, new PodSandbox[] { server }, new int[] { 2 }, 7, 0, 30080);
            cluster.Run(2);
            LabSockets board1 = cluster.Sockets[0];
            Assert.IsTrue(board1.IsListening(30080));
            Assert.IsTrue(cluster.Sockets[1].IsListening(30080)); // every node listens on a NodePort
            Assert.IsNull(board1.Dial(30081, Ipv4Address.FromOctets(192, 168, 50, 200)));
            int handlesBefore = board1.OpenHandles;

            LabConnection laptop = board1.Dial(30080, Ipv4Address.FromOctets(192, 168, 50, 200));
            byte[] hello = new byte[1500];
            for (int i = 0; i < hello.Length; i++)
            {
                hello[i] = (byte)(i * 7);
            }

            Assert.AreEqual(hello.Length, laptop.Send(hello, 0, hello.Length));
            byte[] echoed = new byte[hello.Length];
            int got = 0;
            Assert.IsTrue(cluster.RunUntil(delegate
            {
                got += laptop.Receive(echoed, got, echoed.Length - got);
                return got == echoed.Length;
            }, 2000), got.ToString() + " bytes back; drops " + cluster.DropsText());
            for (int i = 0; i < hello.Length; i++)
            {
                Assert.AreEqual(hello[i], echoed[i], "byte " + i.ToString());
            }

            laptop.ShutdownSend();
            Assert.IsTrue(cluster.RunUntil(delegate { return laptop.EndOfStream && laptop.ClosedByBoard; }, 2000), "the echo pod's close came back and the board let go");
            Assert.AreEqual(1L, cluster.Node(1).NodePorts.Accepted);
            Assert.AreEqual(1L, Connections(cluster, service));
            Assert.AreEqual(handlesBefore, board1.OpenHandles);

            // Without endpoints the board accepts and closes at once, and counts it.
            Push(cluster, 80, IpProtocol.Tcp, new PodSandbox[0], new int[0], 7, 0, 30080);
            LabConnection refused = board1.Dial(30080, Ipv4Address.FromOctets(192, 168, 50, 201));
            Assert.IsTrue(cluster.RunUntil(delegate { return refused.ClosedByBoard; }, 100));
            Assert.AreEqual(1L, cluster.Node(1).NodePorts.Refused);
            Assert.AreEqual(1L, cluster.Node(1).Drops[DropReason.NoEndpoint]);
        }
    }
}
