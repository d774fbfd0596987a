#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Dns;
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;
using Edge.Dataplane.Workloads.Tools;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// Three boards on the virtual clock, every layer at once: a client pod on board 1 and a
    /// service whose endpoints are on boards 2 and 3, reached by address and by name, while its
    /// endpoints change; and the same seed giving the same run.
    /// </summary>
    [TestClass]
    public class ClusterTests
    {
        private static readonly uint Vip = Ipv4Address.FromOctets(10, 96, 0, 20);
        private const byte Ready = EndpointFlags.Ready | EndpointFlags.Serving;

        /// <summary>A service "web" (Vip:port, protocol) on every board, endpoints the pods at targetPort, Local on their own board.</summary>
        private static Service Push(TestCluster cluster, ushort port, byte protocol, ushort targetPort, PodSandbox[] pods, int[] boards)
        {
            Service first = null;
            for (int board = 1; board <= cluster.Nodes.Length; board++)
            {
                var service = new Service { Name = "web", ClusterIp = Vip, Port = port, Protocol = protocol };
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
                cluster.Node(board).DnsZone.SetService(new DnsService { Name = "web", ClusterIp = Vip });
                if (first == null)
                {
                    first = service;
                }
            }

            return first;
        }

        /// <summary>Sends a datagram to Vip:7 from the socket and waits for the echo; checks it came back from the service and whole.</summary>
        private static void Echo(TestCluster cluster, UdpSocket socket, byte tag)
        {
            byte[] data = { tag, 1, 2, 3, 4, 5, 6, 7 };
            Assert.IsTrue(socket.SendTo(Vip, 7, data, 0, data.Length));
            Assert.IsTrue(cluster.RunUntil(delegate { return socket.HasData; }, 200), "no echo for " + tag.ToString() + "; drops " + cluster.DropsText());
            byte[] buffer = new byte[16];
            uint from;
            ushort fromPort;
            Assert.AreEqual(data.Length, socket.ReceiveFrom(buffer, 0, buffer.Length, out from, out fromPort));
            Assert.AreEqual(Vip, from);
            Assert.AreEqual((ushort)7, fromPort);
            Assert.AreEqual(tag, buffer[0]);
        }

        /// <summary>Three boards; echo pods web-2 and web-3 on boards 2 and 3 behind "web" UDP 7; a client pod on board 1.</summary>
        private static TestCluster ThreeBoards(uint seed, out PodSandbox client, out PodSandbox[] pods, out EchoServer[] echo, out Service service)
        {
            var cluster = new TestCluster(3, seed);
            pods = new PodSandbox[2];
            echo = new EchoServer[2];
            for (int i = 0; i < 2; i++)
            {
                pods[i] = cluster.Node(i + 2).AddPod("default", "web-" + (i + 2).ToString(), 0);
                echo[i] = (EchoServer)cluster.Run("echo", pods[i], i + 2);
            }

            service = Push(cluster, 7, IpProtocol.Udp, 7, pods, new int[] { 2, 3 });
            client = cluster.Node(1).AddPod("default", "client", 0);
            return cluster;
        }

        [TestMethod]
        public void A_client_on_board_1_reaches_a_service_whose_endpoints_on_boards_2_and_3_both_answer_over_time()
        {
            PodSandbox client;
            PodSandbox[] pods;
            EchoServer[] echo;
            Service service;
            TestCluster cluster = ThreeBoards(61, out client, out pods, out echo, out service);

            for (int i = 0; i < 16; i++)
            {
                UdpSocket socket = client.OpenUdp((ushort)(45000 + i)); // a new connection each time
                Echo(cluster, socket, (byte)i);
                socket.Close();
                cluster.Run(50);
            }

            Assert.AreEqual(16L, cluster.Node(1).Proxy.Services.Connections(service));
            Assert.IsTrue(echo[0].BytesEchoed > 0 && echo[1].BytesEchoed > 0,
                "board 2 echoed " + echo[0].BytesEchoed.ToString() + " bytes, board 3 " + echo[1].BytesEchoed.ToString());
            Assert.AreEqual(16L * 8, echo[0].BytesEchoed + echo[1].BytesEchoed); // each echoed what it was given, and only that
            Assert.AreEqual(0L, cluster.Node(2).Proxy.Conntrack.Count + cluster.Node(3).Proxy.Conntrack.Count); // NAT is the client's node's alone
            Assert.AreEqual(0L, cluster.Node(1).Drops.Total + cluster.Node(2).Drops.Total + cluster.Node(3).Drops.Total);
            cluster.Run(IpInterface.PendingTimeoutMs + 100);
            Assert.IsTrue(cluster.NoBufferHeld());
        }

        [TestMethod]
        public void An_endpoint_taken_out_of_the_service_gets_no_new_connections_and_its_flow_re_homes()
        {
            PodSandbox client;
            PodSandbox[] pods;
            EchoServer[] echo;
            Service service;
            TestCluster cluster = ThreeBoards(62, out client, out pods, out echo, out service);

            // Long-lived flows from fixed ports, until one rides board 2's endpoint.
            UdpSocket steady = null;
            for (int i = 0; i < 12 && steady == null; i++)
            {
                UdpSocket socket = client.OpenUdp((ushort)(46000 + i));
                long before = echo[0].BytesEchoed;
                Echo(cluster, socket, (byte)i);
                if (echo[0].BytesEchoed > before)
                {
                    steady = socket;
                }
                else
                {
                    socket.Close();
                }
            }

            Assert.IsNotNull(steady, "no connection chose board 2 in twelve");

            // Board 2's pod is being drained: the host pushes the service without it.
            Service after = Push(cluster, 7, IpProtocol.Udp, 7, new PodSandbox[] { pods[1] }, new int[] { 3 });
            long board2 = echo[0].BytesEchoed;
            for (int i = 0; i < 6; i++)
            {
                UdpSocket socket = client.OpenUdp((ushort)(47000 + i));
                Echo(cluster, socket, (byte)(100 + i));
                socket.Close();
            }

            Echo(cluster, steady, 200); // the same 5-tuple: its conntrack entry went with the endpoint
            Assert.AreEqual(board2, echo[0].BytesEchoed);
            Assert.AreEqual(7L, cluster.Node(1).Proxy.Services.Connections(after)); // six new connections and the re-homed one, all to board 3
        }

        [TestMethod]
        public void A_pod_on_board_1_fetches_from_the_service_by_name_through_the_cluster_DNS_and_its_search_list()
        {
            var cluster = new TestCluster(3, 63);
            PodSandbox[] pods = new PodSandbox[2];
            for (int i = 0; i < 2; i++)
            {
                pods[i] = cluster.Node(i + 2).AddPod("default", "web-" + (i + 2).ToString(), 0);
                cluster.Run("whoami", pods[i], i + 2);
            }

            Push(cluster, 80, IpProtocol.Tcp, 80, pods, new int[] { 2, 3 });
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            var stdout = new TextSink();
            var stderr = new TextSink();
            int exit;

            ITool wget = ToolRunner.Start(client, new string[] { "wget", "-qO-", "http://web/" }, null, new ToolOutput(stdout, stderr), out exit);
            Assert.IsNotNull(wget);
            Assert.IsTrue(cluster.RunUntil(delegate { wget.Poll(cluster.Clock.Now); return wget.Done; }, 10000), stderr.Text);

            Assert.AreEqual(0, wget.ExitCode, stderr.Text);
            Assert.IsTrue(stdout.Has("Hostname: web-2\n") || stdout.Has("Hostname: web-3\n"), stdout.Text);
            Assert.IsTrue(stdout.Has("RemoteAddr: " + Ipv4Address.Format(client.Address) + ":"), stdout.Text);
            Assert.IsTrue(stdout.Has("Host: web\n"), stdout.Text); // the request whoami saw, as wget sent it
            Assert.AreEqual(1L, cluster.Node(1).Dns.Server.Queries); // "web.default.svc.cluster.local" answered first try, by board 1 itself
        }

        [TestMethod]
        public void The_same_seed_gives_the_same_run_and_another_seed_another()
        {
            string first = Run(71);
            Assert.AreEqual(first, Run(71));
            Assert.AreNotEqual(first, Run(72));
        }

        /// <summary>Twelve connections from board 1 to the two endpoints: which endpoint took each, when the last answered, and what the LAN lost.</summary>
        private static string Run(uint seed)
        {
            PodSandbox client;
            PodSandbox[] pods;
            EchoServer[] echo;
            Service service;
            TestCluster cluster = ThreeBoards(seed, out client, out pods, out echo, out service);
            string picks = "";
            for (int i = 0; i < 12; i++)
            {
                UdpSocket socket = client.OpenUdp((ushort)(48000 + i));
                long before = echo[0].BytesEchoed;
                Echo(cluster, socket, (byte)i);
                socket.Close();
                picks += echo[0].BytesEchoed > before ? "2" : "3";
            }

            return picks + " at " + cluster.Clock.Now.ToString() + " ms, " + cluster.Lan.Lost.ToString() + " lost";
        }
    }
}
