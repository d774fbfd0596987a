#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Golden;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// The node network on the board's runtime: ARP and the bridge, routes to peer VTEPs over
    /// VXLAN, ICMP from the gateway, UDP between pods, and every bad frame dropped with its reason.
    /// (No instance state: the UnitTestLauncher invokes test methods with a null this.)
    /// </summary>
    [TestClass]
    public class NetTests
    {
        private static readonly uint GoldenPod = Ipv4Address.FromOctets(10, 244, 1, 5); // the scapy frames' sender
        private static readonly uint GoldenPeer = Ipv4Address.FromOctets(10, 244, 2, 7); // and their receiver

        /// <summary>Sends count pings from a pod and returns how many came back; every reply must come from the address pinged with the given TTL.</summary>
        private static int Ping(TestCluster cluster, PodSandbox from, uint to, int count, byte ttl)
        {
            IcmpEchoSocket echo = from.OpenEcho();
            int replies = 0;
            for (ushort seq = 1; seq <= count; seq++)
            {
                Assert.IsTrue(echo.Send(to, seq, 56));
                cluster.Run(100);
                ushort got;
                uint replyFrom;
                long rtt;
                byte replyTtl;
                while (echo.TryReadReply(out got, out replyFrom, out rtt, out replyTtl))
                {
                    Assert.AreEqual(to, replyFrom);
                    Assert.AreEqual(ttl, replyTtl);
                    Assert.AreEqual(seq, got);
                    replies++;
                }
            }

            echo.Close();
            return replies;
        }

        [TestMethod]
        public void A_pod_pings_a_pod_on_another_board_through_VXLAN_with_two_router_hops()
        {
            var cluster = new TestCluster(2, 1);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);

            Assert.AreEqual(3, Ping(cluster, client, server.Address, 3, 62)); // each node's gateway is a hop, as with flannel

            Assert.IsTrue(cluster.Node(1).Overlay.Sent >= 3 && cluster.Node(2).Overlay.Received >= 3);
            Assert.AreEqual(0L, cluster.Node(1).Drops.Total);
            Assert.AreEqual(0L, cluster.Node(2).Drops.Total);
            cluster.Run(IpInterface.PendingTimeoutMs + 100);
            Assert.IsTrue(cluster.NoBufferHeld());
        }

        [TestMethod]
        public void Two_pods_on_one_board_resolve_each_other_by_ARP_and_the_bridge_learns_both_MACs()
        {
            var cluster = new TestCluster(1, 2);
            Node node = cluster.Node(1);
            PodSandbox a = node.AddPod("default", "a", 0);
            PodSandbox b = node.AddPod("default", "b", 0);
            Capture fromA = Capture.OnBridgePort(node.Bridge, a.Interface.Port);

            Assert.AreEqual(2, Ping(cluster, a, b.Address, 2, 64)); // switched, not routed: no hop

            // a asked who has b's address, to everyone, before its first echo request.
            var decoder = new FrameDecoder();
            byte[][] frames = fromA.Frames();
            Assert.AreEqual((int)WireError.None, (int)decoder.Decode(frames[0], 0, frames[0].Length));
            Assert.IsTrue(decoder.Has(FrameLayer.Arp));
            Assert.AreEqual(MacAddress.Broadcast, decoder.Ethernet.Destination);
            Assert.AreEqual(ArpOperation.Request, decoder.Arp.Operation);
            Assert.AreEqual(b.Address, decoder.Arp.TargetProtocolAddress);

            ulong mac;
            Assert.IsTrue(a.Interface.Arp.TryLookup(b.Address, cluster.Clock.Now, out mac));
            Assert.AreEqual(b.Mac, mac);
            Assert.IsTrue(b.Interface.Arp.TryLookup(a.Address, cluster.Clock.Now, out mac)); // learned from the request
            Assert.AreEqual(a.Mac, mac);
            Assert.AreEqual(a.Interface.Port, node.Bridge.Macs.Lookup(a.Mac, cluster.Clock.Now));
            Assert.AreEqual(b.Interface.Port, node.Bridge.Macs.Lookup(b.Mac, cluster.Clock.Now));
            Assert.AreEqual(2, node.Bridge.Macs.Count); // the gateway never spoke
            Assert.AreEqual(0L, node.Overlay.Sent);
            Assert.AreEqual(0L, node.Drops.Total);
        }

        [TestMethod]
        public void A_peers_pod_CIDR_routes_to_its_VTEP_and_the_gateway_and_the_remote_VTEP_answer_ping()
        {
            var cluster = new TestCluster(3, 3);
            Node node = cluster.Node(1);

            int route = node.Routes.Lookup(Ipv4Address.FromOctets(10, 244, 3, 77));
            Assert.IsTrue(route >= 0);
            Assert.AreEqual(TestCluster.BoardAddress(3), node.Routes.PeerAddress(route));
            Assert.AreEqual(VxlanHeader.IanaPort, node.Routes.PeerPort(route));
            Assert.AreEqual(NodeConfig.VtepMacFor(TestCluster.PodNetwork(3)), node.Routes.PeerVtepMac(route));
            Assert.AreEqual(-1, node.Routes.Lookup(Ipv4Address.FromOctets(10, 244, 77, 9)));

            PodSandbox a = node.AddPod("default", "a", 0);
            Assert.AreEqual(1, Ping(cluster, a, node.Config.GatewayAddress, 1, 64));
            Assert.AreEqual(1, Ping(cluster, a, Ipv4Address.FromOctets(10, 244, 3, 0), 1, 63)); // one hop, our gateway; node 3 answers itself

            Assert.IsTrue(cluster.Node(3).Overlay.Received >= 1);
            Assert.AreEqual(0L, cluster.Node(2).Overlay.Received); // straight to board 3, not through 2
        }

        [TestMethod]
        public void A_packet_whose_TTL_runs_out_at_the_gateway_gets_time_exceeded_and_is_counted()
        {
            var cluster = new TestCluster(2, 4);
            Node node = cluster.Node(1);
            PodSandbox sender = node.AddPod("default", "sender", GoldenPod);
            Capture fromGateway = Capture.OnBridgePort(node.Bridge, Bridge.GatewayPort);

            // scapy's SYN from 10.244.1.5 to 10.244.2.7, with one hop to live.
            byte[] syn = GoldenFrames.Copy(GoldenFrames.TcpSyn);
            syn[14 + 8] = 1;
            NetworkOrder.WriteU16(syn, 14 + 10, 0);
            NetworkOrder.WriteU16(syn, 14 + 10, Checksum.Compute(syn, 14, 20));
            cluster.Inject(1, sender, syn, syn.Length);
            cluster.Run(50);

            Assert.AreEqual(1L, node.Drops[DropReason.TtlExpired]);
            Assert.AreEqual(1L, node.Drops.Total);
            Assert.AreEqual(0L, node.Overlay.Sent);
            var error = new FrameDecoder();
            byte[] frame = IcmpFrames.First(fromGateway.Frames(), IcmpType.TimeExceeded, error);
            Assert.IsNotNull(frame);
            Assert.AreEqual(node.Config.GatewayAddress, error.Ipv4.Source);
            Assert.AreEqual(GoldenPod, error.Ipv4.Destination);
            // It carries the header of the packet it is about (and its first bytes: RFC 792).
            Assert.IsTrue(error.Icmp.DataLength >= 20 + 8);
            Assert.AreEqual(GoldenPeer, NetworkOrder.ReadU32(frame, error.Icmp.DataOffset + 16));
            Assert.AreEqual(IpProtocol.Tcp, frame[error.Icmp.DataOffset + 9]);
            cluster.Run(100);
            Assert.IsTrue(cluster.NoBufferHeld());
        }

        [TestMethod]
        public void Frames_with_a_bad_checksum_cut_short_or_fragmented_are_dropped_and_counted_by_reason()
        {
            var cluster = new TestCluster(2, 5);
            Node node = cluster.Node(1);
            PodSandbox sender = node.AddPod("default", "sender", GoldenPod);

            byte[] badChecksum = GoldenFrames.Copy(GoldenFrames.TcpSyn);
            badChecksum[14 + 10] ^= 0x01;
            cluster.Inject(1, sender, badChecksum, badChecksum.Length);
            cluster.Inject(1, sender, GoldenFrames.TcpSyn, 30); // the IPv4 header cut in half
            cluster.Inject(1, sender, GoldenFrames.Ipv4FirstFragment, GoldenFrames.Ipv4FirstFragment.Length);
            cluster.Inject(1, sender, GoldenFrames.Ipv4LaterFragment, GoldenFrames.Ipv4LaterFragment.Length);
            cluster.Run(20);

            Assert.AreEqual(1L, node.Drops[DropReason.BadChecksum]);
            Assert.AreEqual(1L, node.Drops[DropReason.Truncated]);
            Assert.AreEqual(2L, node.Drops[DropReason.Fragment]); // no reassembly: neither half is forwarded
            Assert.AreEqual(4L, node.Drops.Total);
            Assert.AreEqual(0L, node.Overlay.Sent);

            // The same SYN whole and unharmed is routed to board 2.
            cluster.Inject(1, sender, GoldenFrames.TcpSyn, GoldenFrames.TcpSyn.Length);
            cluster.Run(20);
            Assert.AreEqual(1L, node.Overlay.Sent);
            Assert.AreEqual(4L, node.Drops.Total);
        }

        [TestMethod]
        public void VXLAN_from_a_stranger_with_another_VNI_or_cut_short_is_dropped_and_counted()
        {
            var cluster = new TestCluster(2, 6);
            Node node = cluster.Node(1);
            node.AddPod("default", "a", 0);
            LanPort stranger = cluster.Lan.Open(Ipv4Address.FromOctets(192, 168, 50, 99), VxlanHeader.IanaPort);
            byte[] datagram = new byte[8 + 60];
            datagram[0] = 0x08; // VNI present
            datagram[6] = 1; // VNI 1
            uint board1 = TestCluster.BoardAddress(1);

            stranger.Send(board1, VxlanHeader.IanaPort, datagram, 0, datagram.Length);
            datagram[6] = 2;
            cluster.Ports[1].Send(board1, VxlanHeader.IanaPort, datagram, 0, datagram.Length); // board 2's socket, VNI 2
            cluster.Ports[1].Send(board1, VxlanHeader.IanaPort, datagram, 0, 5);
            cluster.Run(5);

            Assert.AreEqual(1L, node.Drops[DropReason.UnknownPeer]);
            Assert.AreEqual(1L, node.Drops[DropReason.WrongVni]);
            Assert.AreEqual(1L, node.Drops[DropReason.Truncated]);
            Assert.AreEqual(0L, node.Overlay.Received);
            Assert.IsTrue(cluster.NoBufferHeld());
        }

        [TestMethod]
        public void A_UDP_datagram_crosses_boards_and_the_reply_finds_its_way_back_without_NAT()
        {
            var cluster = new TestCluster(2, 11);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "echo", 0);
            UdpSocket listening = server.OpenUdp(7);
            UdpSocket socket = client.OpenUdp(0);
            byte[] hello = { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' };

            Assert.IsTrue(socket.SendTo(server.Address, 7, hello, 0, hello.Length));
            Assert.IsTrue(cluster.RunUntil(delegate { return listening.HasData; }, 100));
            byte[] buffer = new byte[100];
            uint from;
            ushort fromPort;
            int n = listening.ReceiveFrom(buffer, 0, buffer.Length, out from, out fromPort);
            Assert.AreEqual(5, n);
            Assert.AreEqual((byte)'o', buffer[4]);
            Assert.AreEqual(client.Address, from); // pod addresses cross boards unchanged
            Assert.AreEqual(socket.LocalPort, fromPort);

            Assert.IsTrue(listening.SendTo(from, fromPort, buffer, 0, n));
            Assert.IsTrue(cluster.RunUntil(delegate { return socket.HasData; }, 100));
            Assert.AreEqual(n, socket.ReceiveFrom(buffer, 0, buffer.Length, out from, out fromPort));
            Assert.AreEqual(server.Address, from);
            Assert.AreEqual((ushort)7, fromPort);
            Assert.AreEqual(0L, cluster.Node(1).Drops.Total + cluster.Node(2).Drops.Total);
        }

        [TestMethod]
        public void A_closed_UDP_port_answers_port_unreachable_and_an_unrouted_address_net_unreachable()
        {
            var cluster = new TestCluster(2, 14);
            Node node = cluster.Node(1);
            PodSandbox client = node.AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
            UdpSocket socket = client.OpenUdp(0);
            Capture toClient = Capture.OnBridgePort(node.Bridge, Bridge.GatewayPort);

            socket.SendTo(server.Address, 9999, new byte[] { 0 }, 0, 1);
            cluster.Run(50);

            Assert.AreEqual(1L, cluster.Node(2).Drops[DropReason.NoSocket]);
            var unreachable = new FrameDecoder();
            Assert.IsNotNull(IcmpFrames.First(toClient.Frames(), IcmpType.DestinationUnreachable, unreachable));
            Assert.AreEqual(IcmpType.PortUnreachable, unreachable.Icmp.Code);
            Assert.AreEqual(server.Address, unreachable.Ipv4.Source); // from the pod that had no socket, across the overlay
            Assert.AreEqual(client.Address, unreachable.Ipv4.Destination);

            toClient = Capture.OnBridgePort(node.Bridge, Bridge.GatewayPort);
            socket.SendTo(Ipv4Address.FromOctets(10, 244, 77, 9), 53, new byte[] { 0 }, 0, 1);
            cluster.Run(50);

            Assert.AreEqual(1L, node.Drops[DropReason.NoRoute]);
            Assert.IsNotNull(IcmpFrames.First(toClient.Frames(), IcmpType.DestinationUnreachable, unreachable));
            Assert.AreEqual(IcmpType.NetUnreachable, unreachable.Icmp.Code);
            Assert.AreEqual(node.Config.GatewayAddress, unreachable.Ipv4.Source);
        }
    }
}
