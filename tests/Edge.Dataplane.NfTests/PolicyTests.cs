#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Wire;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// NetworkPolicy on the board: the evaluator's rules (ipBlock excepts, named ports per
    /// destination, policies adding up) and the engine between pods on two boards (isolation,
    /// an allowing rule, replies of allowed connections, egress isolation stopping DNS).
    /// </summary>
    [TestClass]
    public class PolicyTests
    {
        private static readonly uint A = Ipv4Address.FromOctets(10, 244, 1, 2);
        private static readonly uint C = Ipv4Address.FromOctets(10, 244, 2, 2);

        [TestMethod]
        public void An_ip_block_takes_its_cidr_but_its_excepts()
        {
            var set = new PolicySet(1, 1, 3, 0);
            set.AddPolicy("default/from-lab", PolicyTypes.Ingress);
            set.AddSubject(A);
            set.AddRule(RuleFlags.AnyPort);
            set.AddPeer(Ipv4Address.FromOctets(172, 17, 0, 0), 16, false);
            set.AddPeer(Ipv4Address.FromOctets(172, 17, 1, 0), 24, true);
            var d = new PolicyDecision();
            Assert.IsTrue(PolicyEvaluator.Allows(set, false, A, Ipv4Address.FromOctets(172, 17, 2, 9), IpProtocol.Tcp, 80, d));
            Assert.AreEqual(0, d.Rule);
            Assert.IsFalse(PolicyEvaluator.Allows(set, false, A, Ipv4Address.FromOctets(172, 17, 1, 9), IpProtocol.Tcp, 80, d));
            Assert.IsTrue(d.Isolated);
            Assert.IsTrue(PolicyEvaluator.Allows(set, false, C, Ipv4Address.FromOctets(172, 17, 1, 9), IpProtocol.Tcp, 80, d)); // C is not selected
            Assert.IsFalse(d.Isolated);
        }

        [TestMethod]
        public void A_named_port_holds_only_on_the_pod_it_was_resolved_for_and_policies_add_up()
        {
            var set = new PolicySet(2, 1, 2, 1);
            set.AddPolicy("default/deny-all-egress", PolicyTypes.Egress);
            set.AddSubject(A);
            set.AddPolicy("default/to-http", PolicyTypes.Egress);
            set.AddSubject(A);
            set.AddRule((byte)(RuleFlags.Egress | RuleFlags.AnyPeer));
            set.AddPort(IpProtocol.Tcp, 8080, 8080, C);
            var d = new PolicyDecision();
            Assert.IsTrue(PolicyEvaluator.Allows(set, true, A, C, IpProtocol.Tcp, 8080, d));
            Assert.AreEqual(1, d.Policy);
            Assert.IsFalse(PolicyEvaluator.Allows(set, true, A, C, IpProtocol.Tcp, 80, d));
            Assert.IsFalse(PolicyEvaluator.Allows(set, true, A, Ipv4Address.FromOctets(10, 244, 2, 3), IpProtocol.Tcp, 8080, d));
            Assert.AreEqual(0, d.Policy); // denied: charged to the first policy isolating the pod
        }

        [TestMethod]
        public void Isolated_pods_take_only_what_a_rule_allows_and_get_replies_to_what_they_open()
        {
            var cluster = new TestCluster(2, 71);
            PodSandbox a = cluster.Node(1).AddPod("x", "a", 0);
            PodSandbox c = cluster.Node(2).AddPod("x", "c", 0);
            PodSandbox d = cluster.Node(2).AddPod("x", "d", 0);
            cluster.Run("echo", a, 1);
            cluster.Run("echo", c, 2);
            cluster.Run("echo", d, 2);

            // On board 1: a takes only c (any port).
            var set = new PolicySet(1, 1, 2, 0);
            set.AddPolicy("x/allow-c", PolicyTypes.Ingress);
            set.AddSubject(a.Address);
            set.AddRule(RuleFlags.AnyPort);
            set.AddPeer(c.Address, 32, false);
            cluster.Node(1).EnforcePolicies(set);

            Assert.IsTrue(Echoed(cluster, c, a.Address, 41001), "c is allowed in");
            Assert.IsFalse(Echoed(cluster, d, a.Address, 41002), "d is not");
            Assert.AreEqual(1L, cluster.Node(1).Drops[DropReason.PolicyDenied]);
            Assert.IsTrue(Echoed(cluster, a, d.Address, 41003), "a's own exchange gets its reply");
            Assert.AreEqual(1u, set.RuleHits[0]);
            Assert.AreEqual(1u, set.PolicyDrops[0]);
        }

        [TestMethod]
        public void Egress_isolation_stops_cluster_DNS()
        {
            var cluster = new TestCluster(1, 72);
            PodSandbox a = cluster.Node(1).AddPod("x", "a", 0);
            uint dns = cluster.Node(1).Config.DnsAddress;
            Assert.IsTrue(Asked(cluster, a, dns, 41010));

            var set = new PolicySet(1, 0, 1, 0);
            set.AddPolicy("x/default-deny-egress", PolicyTypes.Egress);
            set.AddSubject(a.Address);
            cluster.Node(1).EnforcePolicies(set);
            Assert.IsFalse(Asked(cluster, a, dns, 41011));
        }

        // One UDP datagram to address:7 (echo) from a new port: whether it came back.
        private static bool Echoed(TestCluster cluster, PodSandbox from, uint to, ushort port)
        {
            UdpSocket socket = from.OpenUdp(port);
            socket.SendTo(to, 7, new byte[] { 1, 2, 3 }, 0, 3);
            bool back = cluster.RunUntil(delegate { return socket.HasData; }, 300);
            socket.Close();
            return back;
        }

        // A DNS question for kubernetes.default's A record: whether any answer came.
        private static bool Asked(TestCluster cluster, PodSandbox from, uint dns, ushort port)
        {
            UdpSocket socket = from.OpenUdp(port);
            byte[] query = DnsMessage.Query("kubernetes.default.svc.cluster.local", Edge.Dataplane.Dns.DnsType.A, 0x4242, 0);
            socket.SendTo(dns, 53, query, 0, query.Length);
            bool back = cluster.RunUntil(delegate { return socket.HasData; }, 300);
            socket.Close();
            return back;
        }
    }
}
