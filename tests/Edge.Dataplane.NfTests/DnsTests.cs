#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Dns;
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// The cluster DNS on the board, answers written as zone-file text (CoreDNS's style): A,
    /// SRV and PTR records, NXDOMAIN and NODATA with the zone's SOA, malformed queries answered
    /// FORMERR or dropped and never thrown, and a pod's resolver walking its search list.
    /// </summary>
    [TestClass]
    public class DnsTests
    {
        private const string Soa = "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ";

        private static uint Ip(string text)
        {
            uint address;
            Assert.IsTrue(Ipv4Address.TryParse(text, out address), text);
            return address;
        }

        /// <summary>
        /// The zone the tests ask: service web (10.96.0.20, ports http/80 and metrics/9090), kube-dns
        /// (10.96.0.10), headless db (db-0 at 10.244.1.5, an unnamed ready endpoint at 10.244.2.6,
        /// db-2 at 10.244.3.7 not ready), ExternalName ext, and pods 10.244.1.5 (default) and 10.244.2.9 (shop).
        /// </summary>
        private static DnsServer Server()
        {
            var zone = new DnsZone("cluster.local", 5, 16, 16);
            Assert.IsTrue(zone.SetService(new DnsService
            {
                Name = "web", ClusterIp = Ip("10.96.0.20"),
                PortNames = new string[] { "http", "metrics" }, PortProtocols = new byte[] { IpProtocol.Tcp, IpProtocol.Tcp }, PortNumbers = new ushort[] { 80, 9090 },
            }));
            Assert.IsTrue(zone.SetService(new DnsService
            {
                Namespace = "kube-system", Name = "kube-dns", ClusterIp = Ip("10.96.0.10"),
                PortNames = new string[] { "dns" }, PortProtocols = new byte[] { IpProtocol.Udp }, PortNumbers = new ushort[] { 53 },
            }));
            Assert.IsTrue(zone.SetService(new DnsService
            {
                Name = "db",
                PortNames = new string[] { "mysql" }, PortProtocols = new byte[] { IpProtocol.Tcp }, PortNumbers = new ushort[] { 3306 },
                EndpointAddresses = new uint[] { Ip("10.244.1.5"), Ip("10.244.2.6"), Ip("10.244.3.7") },
                EndpointHostnames = new string[] { "db-0", null, "db-2" },
                EndpointReady = new bool[] { true, true, false },
                EndpointPorts = new ushort[] { 3306, 3307, 3306 },
            }));
            Assert.IsTrue(zone.SetService(new DnsService { Name = "ext", ExternalName = "db.example.com" }));
            Assert.IsTrue(zone.SetPod(Ip("10.244.1.5"), "default"));
            Assert.IsTrue(zone.SetPod(Ip("10.244.2.9"), "shop"));
            var server = new DnsServer(zone);
            server.ServiceNetwork = Ip("10.96.0.0");
            server.ServicePrefix = 16;
            server.PodNetwork = Ip("10.244.0.0");
            server.PodPrefix = 16;
            return server;
        }

        private static DnsMessage Ask(DnsServer server, string name, ushort type)
        {
            byte[] query = DnsMessage.Query(name, type, 0x1234, 0);
            byte[] response = new byte[1232];
            int n = server.Answer(query, 0, query.Length, response, 0, response.Length, false);
            Assert.IsTrue(n > 0, name + ": no answer (" + n.ToString() + ")");
            DnsMessage m = DnsMessage.Parse(response, n);
            Assert.AreEqual(0x1234, m.Id);
            Assert.AreEqual(name + " " + DnsMessage.TypeName(type), m.Question);
            return m;
        }

        private static void AssertLines(string[] expected, string[] actual, string what)
        {
            string all = "";
            for (int i = 0; i < actual.Length; i++)
            {
                all += "\n  " + actual[i];
            }

            Assert.AreEqual(expected.Length, actual.Length, what + ":" + all);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i], actual[i], what + ":" + all);
            }
        }

        private static void AssertSoaOnly(DnsMessage m, string what)
        {
            Assert.AreEqual(0, m.Answer.Length, what);
            Assert.AreEqual(1, m.Authority.Length, what);
            Assert.IsTrue(m.Authority[0].StartsWith(Soa), m.Authority[0]);
            Assert.IsTrue(m.Authority[0].EndsWith(" 7200 1800 86400 5"), m.Authority[0]);
        }


        [TestMethod]
        public void A_service_name_answers_with_its_cluster_IP_and_others_are_NXDOMAIN()
        {
            var zone = new DnsZone("cluster.local", 5, 32, 16);
            zone.SetService(new DnsService { Namespace = "default", Name = "web", ClusterIp = 0x0A600014 });
            var server = new DnsServer(zone);
            byte[] response = new byte[512];

            byte[] query = DnsMessage.Query("web.default.svc.cluster.local.", DnsType.A, 0x1234, 0);
            int length = server.Answer(query, 0, query.Length, response, 0, response.Length, false);
            Assert.IsTrue(length > DnsHeader.Length);
            Assert.AreEqual(0, NetworkOrder.ReadU16(response, DnsHeader.FlagsField) & 0x0F);
            Assert.AreEqual((ushort)1, NetworkOrder.ReadU16(response, DnsHeader.AnswerCountField));
            Assert.AreEqual(0x0A600014u, NetworkOrder.ReadU32(response, length - 4));

            byte[] missing = DnsMessage.Query("nothing.default.svc.cluster.local.", DnsType.A, 0x1234, 0);
            server.Answer(missing, 0, missing.Length, response, 0, response.Length, false);
            Assert.AreEqual(DnsRcode.NXDomain, NetworkOrder.ReadU16(response, DnsHeader.FlagsField) & 0x0F);
        }

        [TestMethod]
        public void A_records_answer_a_ClusterIP_and_a_headless_services_ready_endpoints_authoritatively()
        {
            DnsServer server = Server();

            DnsMessage web = Ask(server, "web.default.svc.cluster.local.", DnsType.A);
            Assert.AreEqual(DnsRcode.NoError, web.Rcode);
            Assert.IsTrue(web.Authoritative);
            AssertLines(new string[] { "web.default.svc.cluster.local. 5 IN A 10.96.0.20" }, web.Answer, "web");

            AssertLines(new string[] { "WEB.Default.SVC.cluster.LOCAL. 5 IN A 10.96.0.20" },
                Ask(server, "WEB.Default.SVC.cluster.LOCAL.", DnsType.A).Answer, "names match without case, and keep the asker's");
            AssertLines(new string[] { "db.default.svc.cluster.local. 5 IN A 10.244.1.5", "db.default.svc.cluster.local. 5 IN A 10.244.2.6" },
                Ask(server, "db.default.svc.cluster.local.", DnsType.A).Answer, "headless: the ready endpoints");
            AssertLines(new string[] { "db-0.db.default.svc.cluster.local. 5 IN A 10.244.1.5" },
                Ask(server, "db-0.db.default.svc.cluster.local.", DnsType.A).Answer, "an endpoint by its hostname");
            AssertLines(new string[] { "10-244-1-5.default.pod.cluster.local. 5 IN A 10.244.1.5" },
                Ask(server, "10-244-1-5.default.pod.cluster.local.", DnsType.A).Answer, "a pod by its dashed address");
            AssertLines(new string[] { "ext.default.svc.cluster.local. 5 IN CNAME db.example.com." },
                Ask(server, "ext.default.svc.cluster.local.", DnsType.A).Answer, "an ExternalName");
        }

        [TestMethod]
        public void SRV_records_name_each_port_and_bring_the_targets_addresses_along()
        {
            DnsServer server = Server();

            DnsMessage http = Ask(server, "_http._tcp.web.default.svc.cluster.local.", DnsType.SRV);
            AssertLines(new string[] { "_http._tcp.web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local." }, http.Answer, "answer");
            AssertLines(new string[] { "web.default.svc.cluster.local. 5 IN A 10.96.0.20" }, http.Additional, "additional");

            DnsMessage mysql = Ask(server, "_mysql._tcp.db.default.svc.cluster.local.", DnsType.SRV);
            AssertLines(new string[]
            {
                "_mysql._tcp.db.default.svc.cluster.local. 5 IN SRV 0 50 3306 db-0.db.default.svc.cluster.local.",
                "_mysql._tcp.db.default.svc.cluster.local. 5 IN SRV 0 50 3307 10-244-2-6.db.default.svc.cluster.local.",
            }, mysql.Answer, "headless answer");
            AssertLines(new string[] { "db-0.db.default.svc.cluster.local. 5 IN A 10.244.1.5", "10-244-2-6.db.default.svc.cluster.local. 5 IN A 10.244.2.6" },
                mysql.Additional, "headless additional");

            DnsMessage udp = Ask(server, "_http._udp.web.default.svc.cluster.local.", DnsType.SRV);
            Assert.AreEqual(DnsRcode.NXDomain, udp.Rcode); // no such port on UDP
        }

        [TestMethod]
        public void PTR_records_map_a_service_IP_and_an_endpoint_back_to_their_names()
        {
            DnsServer server = Server();

            AssertLines(new string[] { "20.0.96.10.in-addr.arpa. 5 IN PTR web.default.svc.cluster.local." },
                Ask(server, "20.0.96.10.in-addr.arpa.", DnsType.PTR).Answer, "service");
            AssertLines(new string[] { "5.1.244.10.in-addr.arpa. 5 IN PTR db-0.db.default.svc.cluster.local." },
                Ask(server, "5.1.244.10.in-addr.arpa.", DnsType.PTR).Answer, "endpoint");
            DnsMessage nobody = Ask(server, "99.0.96.10.in-addr.arpa.", DnsType.PTR);
            Assert.AreEqual(DnsRcode.NXDomain, nobody.Rcode);
            AssertSoaOnly(nobody, "an unused service address");
            Assert.AreEqual(DnsRcode.Refused, Ask(server, "1.1.168.192.in-addr.arpa.", DnsType.PTR).Rcode); // not our network
        }

        [TestMethod]
        public void A_name_that_does_not_exist_is_NXDOMAIN_with_the_zones_SOA()
        {
            DnsServer server = Server();
            string[] names =
            {
                "nope.default.svc.cluster.local.", "web.nowhere.svc.cluster.local.", "db-2.db.default.svc.cluster.local.",
                "10-244-1-5.shop.pod.cluster.local.", "other.cluster.local.",
            };

            for (int i = 0; i < names.Length; i++)
            {
                DnsMessage m = Ask(server, names[i], DnsType.A);
                Assert.AreEqual(DnsRcode.NXDomain, m.Rcode, names[i]);
                Assert.IsTrue(m.Authoritative, names[i]);
                AssertSoaOnly(m, names[i]);
            }
        }

        [TestMethod]
        public void A_name_that_exists_without_the_type_asked_is_NODATA_with_the_zones_SOA()
        {
            DnsServer server = Server();
            DnsMessage aaaa = Ask(server, "web.default.svc.cluster.local.", DnsType.AAAA);
            Assert.AreEqual(DnsRcode.NoError, aaaa.Rcode);
            AssertSoaOnly(aaaa, "AAAA of an IPv4 service");

            string[] emptyNonTerminals = { "svc.cluster.local.", "default.svc.cluster.local.", "pod.cluster.local.", "cluster.local." };
            for (int i = 0; i < emptyNonTerminals.Length; i++)
            {
                DnsMessage m = Ask(server, emptyNonTerminals[i], DnsType.A);
                Assert.AreEqual(DnsRcode.NoError, m.Rcode, emptyNonTerminals[i]);
                AssertSoaOnly(m, emptyNonTerminals[i]);
            }

            DnsMessage soa = Ask(server, "cluster.local.", DnsType.SOA);
            Assert.AreEqual(1, soa.Answer.Length);
            Assert.IsTrue(soa.Answer[0].StartsWith(Soa), soa.Answer[0]);
        }

        [TestMethod]
        public void Outside_the_zone_without_an_upstream_is_refused_and_EDNS0_is_echoed_with_our_size()
        {
            DnsServer server = Server();
            DnsMessage outside = Ask(server, "example.com.", DnsType.A);
            Assert.AreEqual(DnsRcode.Refused, outside.Rcode);
            Assert.IsFalse(outside.Authoritative);
            Assert.IsFalse(outside.RecursionAvailable);
            Assert.AreEqual(0, outside.Answer.Length);

            byte[] query = DnsMessage.Query("web.default.svc.cluster.local.", DnsType.A, 7, 4096);
            byte[] response = new byte[1232];
            DnsMessage m = DnsMessage.Parse(response, server.Answer(query, 0, query.Length, response, 0, response.Length, false));
            AssertLines(new string[] { "; OPT udp=1232 version=0 ext-rcode=0" }, m.Additional, "OPT");
        }

        [TestMethod]
        public void Malformed_queries_get_FORMERR_or_are_dropped_and_counted_never_an_exception()
        {
            DnsServer server = Server();
            string[] corpus =
            {
                "1234010000", // truncated header
                "123401000000000000000000", // no question
                "123401000001000000000000037765", // a name running past the end
                "123401000001000000000000c00c00010001", // a pointer loop
                "123401000001000000000000c01000010001" + "0377656200", // a forward pointer
                "123401000001000000000000c00200010001", // a pointer into the header
                "1234010000010000000000000377656200", // no type and class
                "123401000001000000000002" + "0377656200" + "00010001" + "00002910000000000000" + "00002910000000000000", // two OPT records
                "123401000001000000000001" + "0377656200" + "00010001" + "000029100000000000ff", // a record past the end
            };
            byte[] response = new byte[512];
            for (int i = 0; i < corpus.Length; i++)
            {
                byte[] query = Hex.Bytes(corpus[i]);
                long before = server.Malformed;

                int n = server.Answer(query, 0, query.Length, response, 0, response.Length, false);

                Assert.IsTrue(n == -1 || (n >= DnsHeader.Length && (response[3] & 0x0F) == DnsRcode.FormErr), "query " + i.ToString() + ": " + n.ToString());
                Assert.IsTrue(server.Malformed > before, "query " + i.ToString() + " was not counted");
            }

            byte[] longLabel = new byte[12 + 1 + 64 + 1 + 4];
            longLabel[5] = 1;
            longLabel[12] = 64; // a label over 63
            int answered = server.Answer(longLabel, 0, longLabel.Length, response, 0, response.Length, false);
            Assert.IsTrue(answered == -1 || (response[3] & 0x0F) == DnsRcode.FormErr);
        }

        [TestMethod]
        public void Every_cut_and_random_damage_of_a_real_query_is_answered_well_formed_or_dropped()
        {
            DnsServer server = Server();
            byte[] original = DnsMessage.Query("_mysql._tcp.db.default.svc.cluster.local.", DnsType.SRV, 99, 1232);
            byte[] response = new byte[1232];
            for (int length = 0; length < original.Length; length++)
            {
                int n = server.Answer(original, 0, length, response, 0, response.Length, false);
                Assert.IsTrue(n == -1 || DnsMessage.Parse(response, n).Rcode == DnsRcode.FormErr, "cut at " + length.ToString());
            }

            var random = new SeededRandom(53);
            byte[] query = new byte[original.Length];
            for (int round = 0; round < 300; round++)
            {
                System.Array.Copy(original, query, original.Length);
                query[(int)(random.NextUInt32() % (uint)query.Length)] ^= (byte)(1 + random.NextUInt32() % 255);
                int n = server.Answer(query, 0, query.Length, response, 0, response.Length, false);
                Assert.IsTrue(n >= -1 && n <= response.Length);
                if (n > 0)
                {
                    DnsMessage.Parse(response, n); // well formed enough for a reader written apart
                }
            }
        }

        [TestMethod]
        public void A_pods_resolver_walks_its_search_list_to_the_service_in_another_namespace()
        {
            Assert.AreEqual("web.default.svc.cluster.local|web.svc.cluster.local|web.cluster.local|web",
                Joined(DnsResolver.Candidates("web", "default", "cluster.local", true)));
            Assert.AreEqual("a.b.c.d.e.f|a.b.c.d.e.f.default.svc.cluster.local|a.b.c.d.e.f.svc.cluster.local|a.b.c.d.e.f.cluster.local",
                Joined(DnsResolver.Candidates("a.b.c.d.e.f", "default", "cluster.local", true))); // ndots:5
            Assert.AreEqual("web.shop.svc.cluster.local", Joined(DnsResolver.Candidates("web.shop.svc.cluster.local.", "default", "cluster.local", true)));

            var cluster = new TestCluster(2, 91);
            uint vip = Ip("10.96.0.20");
            for (int board = 1; board <= 2; board++)
            {
                Node node = cluster.Node(board);
                var service = new Service { Namespace = "shop", Name = "web", ClusterIp = vip, Port = 80 };
                node.Proxy.SetService(service);
                node.DnsZone.SetService(new DnsService { Namespace = "shop", Name = "web", ClusterIp = vip });
            }

            PodSandbox other = cluster.Node(1).AddPod("default", "other", 0);
            var resolver = new DnsResolver(other, "web.shop", DnsType.A, true);
            Assert.IsTrue(cluster.RunUntil(delegate { resolver.Poll(cluster.Clock.Now); return resolver.Done; }, 5000));

            Assert.AreEqual(DnsResolver.Found, resolver.State);
            Assert.AreEqual(1, resolver.Addresses.Length);
            Assert.AreEqual(vip, resolver.Addresses[0]);
            Assert.AreEqual("web.shop.svc.cluster.local.", resolver.CanonicalName);
            Assert.AreEqual(1, resolver.MissCount); // first tried in its own namespace
            Assert.AreEqual("web.shop.default.svc.cluster.local", resolver.Misses[0]);
            Assert.AreEqual(DnsRcode.NXDomain, resolver.MissCodes[0]);

            PodSandbox neighbour = cluster.Node(2).AddPod("shop", "neighbour", 0);
            var own = new DnsResolver(neighbour, "web", DnsType.A, true);
            Assert.IsTrue(cluster.RunUntil(delegate { own.Poll(cluster.Clock.Now); return own.Done; }, 5000));
            Assert.AreEqual(DnsResolver.Found, own.State);
            Assert.AreEqual(0, own.MissCount); // its own namespace first
            Assert.AreEqual(vip, own.Addresses[0]);

            var nowhere = new DnsResolver(other, "nope", DnsType.A, true);
            Assert.IsTrue(cluster.RunUntil(delegate { nowhere.Poll(cluster.Clock.Now); return nowhere.Done; }, 10000));
            Assert.AreNotEqual(DnsResolver.Found, nowhere.State);
            Assert.AreEqual(4, nowhere.MissCount); // every search domain, then the name as it is
            Assert.AreEqual(0L, cluster.Node(1).Drops.Total);
        }

        private static string Joined(string[] names)
        {
            string text = "";
            for (int i = 0; i < names.Length; i++)
            {
                text += (i == 0 ? "" : "|") + names[i];
            }

            return text;
        }
    }
}
