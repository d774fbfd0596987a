#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Boards;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Net;
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
    /// The ingress on a board's port 80, through the board's own sockets to pods on either
    /// board: a request is routed by host and path to an endpoint of its backend Service, the pod
    /// sees the forwarding fields ingress-nginx adds, and what cannot be routed is answered by
    /// the board with the status that says why (Kubernetes "Ingress" and ingress-nginx's
    /// behaviour). Board 1 serves the ingress; pod "web" (whoami) is on board 2, "hello" on board 1.
    /// </summary>
    [TestClass]
    public class IngressTests
    {
        private const byte Ready = EndpointFlags.Ready | EndpointFlags.Serving;
        private static readonly uint Laptop = Ipv4Address.FromOctets(192, 168, 50, 200);

        [TestMethod]
        public void A_request_is_proxied_by_path_to_the_services_pod_which_sees_the_forwarding_fields()
        {
            Lab lab = new Lab(0);
            string answer = lab.Exchange("GET /web/who?x=1 HTTP/1.1\r\nHost: Lab.Example:80\r\nUser-Agent: curl/8\r\nX-Forwarded-For: 6.6.6.6\r\nConnection: keep-alive\r\n\r\n");
            AssertStarts("HTTP/1.1 200 OK", answer);
            AssertHas("Hostname: web", answer);
            AssertHas("GET /web/who?x=1 HTTP/1.1", answer);
            AssertHas("Host: Lab.Example:80", answer);
            AssertHas("User-Agent: curl/8", answer);
            AssertHas("X-Real-IP: 192.168.50.200", answer);
            AssertHas("X-Forwarded-For: 192.168.50.200", answer);
            AssertHas("X-Forwarded-Host: Lab.Example:80", answer);
            AssertHas("X-Forwarded-Port: 80", answer);
            AssertHas("X-Forwarded-Proto: http", answer);
            AssertHas("Connection: close", answer);
            Assert.IsFalse(answer.IndexOf("6.6.6.6") >= 0, "the client's own X-Forwarded-For is not passed on");
            Assert.IsFalse(answer.IndexOf("keep-alive") >= 0, "hop-by-hop fields end at the ingress");
            IngressProxy ingress = lab.Cluster.Node(1).Ingress;
            Assert.AreEqual(1L, ingress.Proxied);
        }

        [TestMethod]
        public void Hosts_choose_the_rules_and_the_host_less_rules_take_hosts_without_rules_of_their_own()
        {
            Lab lab = new Lab(0);
            AssertHas("Hello from Edge", lab.Exchange("GET / HTTP/1.1\r\nHost: hello.example\r\n\r\n"));
            AssertHas("Hostname: web", lab.Exchange("GET /web HTTP/1.1\r\nHost: other.example\r\n\r\n"));
            AssertHas("Hostname: web", lab.Exchange("GET /web HTTP/1.0\r\n\r\n"));
            AssertHas("Hello from Edge", lab.Exchange("GET /a HTTP/1.1\r\nHost: one.wild.example\r\n\r\n"));
            // A wildcard stands for one label: two are another host, which takes the host-less rules.
            AssertHas("Hostname: web", lab.Exchange("GET /web HTTP/1.1\r\nHost: two.one.wild.example\r\n\r\n"));
            AssertStarts("HTTP/1.1 404 Not Found", lab.Exchange("GET / HTTP/1.1\r\nHost: two.one.wild.example\r\n\r\n"));

            // A host with rules of its own does not fall back to the host-less rules' paths (ingress-nginx's server blocks).
            AssertHas("Hello from Edge", lab.Exchange("GET /web HTTP/1.1\r\nHost: hello.example\r\n\r\n"));
        }

        [TestMethod]
        public void What_cannot_be_routed_is_answered_by_the_board_with_the_reason()
        {
            Lab lab = new Lab(0);
            string notFound = lab.Exchange("GET /nothing HTTP/1.1\r\nHost: other.example\r\n\r\n");
            AssertStarts("HTTP/1.1 404 Not Found", notFound);
            AssertHas("no Ingress rule matches this host and path", notFound);
            AssertStarts("HTTP/1.1 503 Service Unavailable", lab.Exchange("GET /empty HTTP/1.1\r\nHost: other.example\r\n\r\n"));
            AssertStarts("HTTP/1.1 503 Service Unavailable", lab.Exchange("GET /missing HTTP/1.1\r\nHost: other.example\r\n\r\n"));
            AssertStarts("HTTP/1.1 502 Bad Gateway", lab.Exchange("GET /refused HTTP/1.1\r\nHost: other.example\r\n\r\n"));
            AssertStarts("HTTP/1.1 400 Bad Request", lab.Exchange("GET /web HTTP/1.1\r\n\r\n"));
            AssertStarts("HTTP/1.1 400 Bad Request", lab.Exchange("GET /web HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
            AssertStarts("HTTP/1.1 505 HTTP Version Not Supported", lab.Exchange("GET /web HTTP/2.0\r\nHost: a\r\n\r\n"));
            IngressProxy ingress = lab.Cluster.Node(1).Ingress;
            Assert.AreEqual(1L, ingress.NotFound);
            Assert.AreEqual(2L, ingress.Unavailable);
            Assert.AreEqual(1L, ingress.BadGateway);
            Assert.AreEqual(3L, ingress.BadRequests);
            Assert.AreEqual(0, ingress.Active, "every connection let go");
        }

        [TestMethod]
        public void A_head_larger_than_the_board_takes_is_refused_with_431_and_a_slow_one_with_408()
        {
            // Longer than a packet buffer: refused while it is still coming.
            Lab lab = new Lab(MemoryClass.Wroom);
            AssertStarts("HTTP/1.1 431 Request Header Fields Too Large", lab.Exchange(Head(1700, false)));

            // Whole, but with the forwarding fields too long for a WROOM board's 1 KiB send buffer;
            // a board of a larger class takes it.
            AssertStarts("HTTP/1.1 431 Request Header Fields Too Large", lab.Exchange(Head(900, true)));
            AssertHas("Hostname: web", new Lab(0).Exchange(Head(900, true)));

            LabConnection slow = lab.Board1.Dial(80, Laptop);
            byte[] half = Ascii.Bytes("GET /web HTTP/1.1\r\n");
            slow.Send(half, 0, half.Length);
            lab.Cluster.Run(IngressProxy.HeadTimeoutMs - 100);
            Assert.IsFalse(slow.EndOfStream, "not before the head timeout");
            AssertStarts("HTTP/1.1 408 Request Timeout", lab.ReadAll(slow));
        }

        [TestMethod]
        public void A_board_holds_no_ingress_until_routes_arrive_and_stops_listening_when_they_go()
        {
            var cluster = new TestCluster(1, 73, 0, null, true);
            cluster.Node(1).ServeIngress(null);
            Assert.IsNull(cluster.Node(1).Ingress);
            cluster.Node(1).ServeIngress(Routes());
            cluster.Run(2);
            Assert.IsTrue(cluster.Sockets[0].IsListening(80));
            cluster.Node(1).ServeIngress(null);
            cluster.Run(2);
            Assert.IsFalse(cluster.Sockets[0].IsListening(80));
        }

        [TestMethod]
        public void Clients_beyond_the_slots_wait_in_the_backlog_and_are_served_in_turn()
        {
            Lab lab = new Lab(MemoryClass.Wroom); // one slot: one client at a time
            byte[] request = Ascii.Bytes("GET /web HTTP/1.1\r\nHost: other.example\r\n\r\n");
            var clients = new LabConnection[3];
            for (int i = 0; i < clients.Length; i++)
            {
                clients[i] = lab.Board1.Dial(80, Ipv4Address.FromOctets(192, 168, 50, (byte)(100 + i)));
                Assert.IsNotNull(clients[i]);
                clients[i].Send(request, 0, request.Length);
            }

            for (int i = 0; i < clients.Length; i++)
            {
                AssertHas("X-Real-IP: 192.168.50." + (100 + i).ToString(), lab.ReadAll(clients[i]));
                clients[i].Close();
            }

            IngressProxy ingress = lab.Cluster.Node(1).Ingress;
            Assert.AreEqual(3L, ingress.Proxied);
            Assert.IsTrue(lab.Cluster.RunUntil(delegate { return ingress.Active == 0; }, 1000), "every slot free again");
        }

        [TestMethod]
        public void A_served_request_leaves_no_connection_open_and_no_buffer_held()
        {
            Lab lab = new Lab(MemoryClass.Wroom);
            int handlesBefore = lab.Board1.OpenHandles;
            AssertHas("Hostname: web", lab.Exchange("GET /web HTTP/1.1\r\nHost: other.example\r\n\r\n"));
            Assert.IsTrue(lab.Cluster.RunUntil(delegate { return lab.Board1.OpenHandles == handlesBefore; }, 1000), "the client's connection let go");
            Assert.AreEqual(0, lab.Cluster.Node(1).Ingress.Active);
            Assert.IsTrue(lab.Cluster.RunUntil(delegate { return lab.Cluster.NoBufferHeld(); }, 1000), "the packet buffers the request was served with are back in the pool");
        }

        [TestMethod]
        public void A_route_with_an_allowlist_takes_only_its_clients_and_answers_others_403()
        {
            Lab lab = new Lab(0);
            IngressRoutes routes = Routes();
            routes.Annotations = new RouteAnnotations(routes.Count, 2);
            Assert.IsTrue(routes.Annotations.Allow(0, Ipv4Address.FromOctets(10, 0, 0, 0), 8));
            Assert.IsTrue(routes.Annotations.Allow(0, Ipv4Address.FromOctets(192, 168, 50, 201), 32));
            lab.Cluster.Node(1).ServeIngress(routes);

            string refused = lab.Exchange("GET /web HTTP/1.1\r\nHost: other.example\r\n\r\n"); // from 192.168.50.200
            AssertStarts("HTTP/1.1 403 Forbidden", refused);
            AssertHas("whitelist-source-range", refused);
            AssertHas("Hostname: web", lab.ExchangeFrom(Ipv4Address.FromOctets(192, 168, 50, 201), "GET /web HTTP/1.1\r\nHost: other.example\r\n\r\n"));
            AssertHas("Hello from Edge", lab.Exchange("GET / HTTP/1.1\r\nHost: hello.example\r\n\r\n")); // another route: no allowlist
            Assert.AreEqual(1L, lab.Cluster.Node(1).Ingress.Forbidden);
        }

        [TestMethod]
        public void A_canary_takes_the_requests_its_header_names_and_its_weight_of_the_rest()
        {
            Lab lab = new Lab(0);
            IngressRoutes routes = Routes();
            routes.Annotations = new RouteAnnotations(routes.Count, 0);
            Assert.IsTrue(routes.Annotations.Canary(0, "default", "hello", 80, 0, "x-canary", null));
            lab.Cluster.Node(1).ServeIngress(routes);

            // canary-by-header: "always" and "never" decide; any other value is ignored (weight 0: the main backend).
            AssertHas("Hello from Edge", lab.Exchange("GET /web HTTP/1.1\r\nHost: a\r\nX-Canary: always\r\n\r\n"));
            AssertHas("Hostname: web", lab.Exchange("GET /web HTTP/1.1\r\nHost: a\r\nX-Canary: never\r\n\r\n"));
            AssertHas("Hostname: web", lab.Exchange("GET /web HTTP/1.1\r\nHost: a\r\nX-Canary: maybe\r\n\r\n"));
            AssertHas("Hostname: web", lab.Exchange("GET /web HTTP/1.1\r\nHost: a\r\n\r\n"));

            // canary-by-header-value: only that value goes to the canary.
            routes = Routes();
            routes.Annotations = new RouteAnnotations(routes.Count, 0);
            routes.Annotations.Canary(0, "default", "hello", 80, 0, "x-canary", "blue");
            lab.Cluster.Node(1).ServeIngress(routes);
            AssertHas("Hello from Edge", lab.Exchange("GET /web HTTP/1.1\r\nHost: a\r\nx-CANARY: blue\r\n\r\n"));
            AssertHas("Hostname: web", lab.Exchange("GET /web HTTP/1.1\r\nHost: a\r\nX-Canary: always\r\n\r\n"));

            // canary-weight: 100 takes every request without the header, 50 about half.
            routes = Routes();
            routes.Annotations = new RouteAnnotations(routes.Count, 0);
            routes.Annotations.Canary(0, "default", "hello", 80, 50, null, null);
            lab.Cluster.Node(1).ServeIngress(routes);
            int canary = 0;
            for (int i = 0; i < 40; i++)
            {
                canary += lab.Exchange("GET /web HTTP/1.1\r\nHost: a\r\n\r\n").IndexOf("Hello from Edge") >= 0 ? 1 : 0;
            }

            Assert.IsTrue(canary >= 10 && canary <= 30, canary.ToString() + " of 40 requests went to a canary weighted 50");
        }

        [TestMethod]
        public void With_certificates_a_board_that_terminates_TLS_serves_the_routes_on_443_and_the_pod_sees_https()
        {
            Lab lab = new Lab(0);
            Node board = lab.Cluster.Node(1);
            Assert.IsFalse(lab.Board1.IsListening(443), "no TLS without a platform that terminates it");

            lab.Board1.TlsSessions = 2;
            board.Ingress.Close();
            board.Ingress = null; // made again, now over a platform with TLS
            board.ServeIngress(Routes(), Certificates());
            lab.Cluster.Run(2);
            Assert.IsTrue(lab.Board1.IsListening(443), "the TLS port opens with the first certificates");
            Assert.AreEqual("secure.example", lab.Board1.Certificates.Hosts[0]);

            string answer = lab.ExchangeAt(443, Laptop, "GET /web HTTP/1.1\r\nHost: secure.example\r\n\r\n");
            AssertHas("Hostname: web", answer);
            AssertHas("X-Forwarded-Port: 443", answer);
            AssertHas("X-Forwarded-Proto: https", answer);
            AssertHas("X-Forwarded-Proto: http\n", lab.Exchange("GET /web HTTP/1.1\r\nHost: secure.example\r\n\r\n"));
            Assert.AreEqual(1L, board.Ingress.SecureRequests);

            board.ServeIngress(Routes(), null);
            lab.Cluster.Run(2);
            Assert.IsFalse(lab.Board1.IsListening(443), "no certificates, no TLS port");
            Assert.IsTrue(lab.Board1.IsListening(80), "plain HTTP goes on");
        }

        [TestMethod]
        public void A_route_with_ssl_redirect_sends_plain_HTTP_to_https_with_308_on_a_board_that_serves_it()
        {
            Lab lab = new Lab(0);
            IngressRoutes routes = Routes();
            routes.Annotations = new RouteAnnotations(routes.Count, 0);
            routes.Annotations.SslRedirects[0] = true; // /web
            lab.Cluster.Node(1).ServeIngress(routes);

            // No TLS on this board: there is no https to send anyone to, so the route serves as it came.
            AssertHas("Hostname: web", lab.Exchange("GET /web HTTP/1.1\r\nHost: secure.example\r\n\r\n"));

            lab.Board1.TlsSessions = 2;
            lab.Cluster.Node(1).Ingress.Close();
            lab.Cluster.Node(1).Ingress = null;
            lab.Cluster.Node(1).ServeIngress(routes, Certificates());
            lab.Cluster.Run(2);
            string redirect = lab.Exchange("GET /web/who?x=1&y=2 HTTP/1.1\r\nHost: Secure.Example:80\r\n\r\n");
            AssertStarts("HTTP/1.1 308 Permanent Redirect\r\n", redirect);
            AssertHas("\r\nLocation: https://Secure.Example/web/who?x=1&y=2\r\n", redirect);
            AssertHas("\r\nContent-Length: 0\r\n", redirect);
            Assert.AreEqual(1L, lab.Cluster.Node(1).Ingress.Redirected);

            // The body that came with the head is not needed for the redirect (and leaves it room).
            string body = "";
            while (body.Length < 1400)
            {
                body += "0123456789";
            }

            AssertStarts("HTTP/1.1 308 Permanent Redirect\r\n", lab.Exchange("POST /web HTTP/1.1\r\nHost: secure.example\r\nContent-Length: " + body.Length.ToString() + "\r\n\r\n" + body));
            AssertHas("Hostname: web", lab.ExchangeAt(443, Laptop, "GET /web HTTP/1.1\r\nHost: secure.example\r\n\r\n"));
            AssertHas("Hello from Edge", lab.Exchange("GET / HTTP/1.1\r\nHost: hello.example\r\n\r\n")); // another route: no redirect
        }

        [TestMethod]
        public void Rewrite_target_sends_the_path_its_pattern_makes_with_the_query_after_it()
        {
            Lab lab = new Lab(0);
            IngressRoutes routes = Routes();
            routes.Annotations = new RouteAnnotations(routes.Count, 0);
            routes.Annotations.Rewrites = new RouteRewrites(routes.Count);
            routes.Paths[0] = "/something(/|$)(.*)"; // the documentation's example, on the /web route
            routes.PathTypes[0] = PathType.ImplementationSpecific;
            routes.Annotations.Rewrites.Programs[0] = PatternAssembler.Something();
            routes.Annotations.Rewrites.Targets[0] = "/$2";
            lab.Cluster.Node(1).ServeIngress(routes);

            AssertHas("GET /new/path?x=1&y=2 HTTP/1.1\n", lab.Exchange("GET /something/new/path?x=1&y=2 HTTP/1.1\r\nHost: other.example\r\n\r\n"));
            AssertHas("GET / HTTP/1.1\n", lab.Exchange("GET /something HTTP/1.1\r\nHost: other.example\r\n\r\n"));
            AssertHas("GET /Case HTTP/1.1\n", lab.Exchange("GET /SOMETHING/Case HTTP/1.1\r\nHost: other.example\r\n\r\n"));
            AssertStarts("HTTP/1.1 404", lab.Exchange("GET /somethingelse HTTP/1.1\r\nHost: other.example\r\n\r\n"));

            // A target with a query of its own takes the request's after '&'; one ending in '?' drops it (nginx's rewrite).
            routes.Annotations.Rewrites.Targets[0] = "/api?from=$1&rest=$2";
            AssertHas("GET /api?from=/&rest=who&x=1 HTTP/1.1\n", lab.Exchange("GET /something/who?x=1 HTTP/1.1\r\nHost: other.example\r\n\r\n"));
            routes.Annotations.Rewrites.Targets[0] = "/only?";
            AssertHas("GET /only HTTP/1.1\n", lab.Exchange("GET /something/who?x=1 HTTP/1.1\r\nHost: other.example\r\n\r\n"));

            // A target that does not make a path of its own ("$2" alone) gets the '/' in front.
            routes.Annotations.Rewrites.Targets[0] = "$2";
            AssertHas("GET /who HTTP/1.1\n", lab.Exchange("GET /something/who HTTP/1.1\r\nHost: other.example\r\n\r\n"));

            // The rest of the head goes as it came, the body bytes that came with it too.
            routes.Annotations.Rewrites.Targets[0] = "/a-much-longer-path-than-the-one-asked-for/$2";
            string posted = lab.Exchange("POST /something/x HTTP/1.1\r\nHost: other.example\r\nContent-Length: 5\r\n\r\nhello");
            AssertHas("POST /a-much-longer-path-than-the-one-asked-for/x HTTP/1.1\n", posted);
            AssertHas("Content-Length: 5\n", posted);
        }

        [TestMethod]
        public void Annotations_with_unset_canaries_and_targets_compare_as_the_same()
        {
            // Unset strings are null references in arrays: compared as such, they took nanoCLR down.
            var a = new RouteAnnotations(2, 0);
            var b = new RouteAnnotations(2, 0);
            Assert.IsTrue(a.Same(b, 2));
            a.Rewrites = new RouteRewrites(2);
            b.Rewrites = new RouteRewrites(2);
            Assert.IsTrue(a.Same(b, 2));
            b.Rewrites.Targets[1] = "/$1";
            Assert.IsFalse(a.Same(b, 2));
            b.Canary(0, "default", "web", 80, 10, null, null);
            Assert.IsFalse(a.Same(b, 2));
        }

        // One certificate for secure.example (its bytes stand for the PEM the platform would load).
        private static TlsCertificates Certificates()
        {
            var tls = new TlsCertificates(1, 1);
            tls.Chains[0] = Ascii.Bytes("-----BEGIN CERTIFICATE-----");
            tls.Keys[0] = Ascii.Bytes("-----BEGIN PRIVATE KEY-----");
            tls.Hosts[0] = "secure.example";
            tls.HostCertificates[0] = 0;
            return tls;
        }

        // A request for /web with a Cookie field making its head about this long.
        private static string Head(int length, bool whole)
        {
            string head = "GET /web HTTP/1.1\r\nHost: other.example\r\nCookie: ";
            while (head.Length < length)
            {
                head += "0123456789";
            }

            return whole ? head + "\r\n\r\n" : head;
        }

        /// <summary>
        /// Routes as the host compiles them: hello.example and *.wild.example to hello, and for
        /// any other host /web to web, /empty to a Service without endpoints, /missing to one that
        /// does not exist, /refused to a pod that listens on no port 8080.
        /// </summary>
        private static IngressRoutes Routes()
        {
            var routes = new IngressRoutes(6);
            routes.Add("", "/web", PathType.Prefix, "default", "web", 80);
            routes.Add("hello.example", "/", PathType.Prefix, "default", "hello", 80);
            routes.Add("*.wild.example", "/", PathType.Prefix, "default", "hello", 80);
            routes.Add("", "/empty", PathType.Exact, "default", "empty", 80);
            routes.Add("", "/missing", PathType.Exact, "default", "missing", 0);
            routes.Add("", "/refused", PathType.Exact, "default", "refused", 80);
            return routes;
        }

        private static void AssertStarts(string expected, string answer)
        {
            Assert.IsTrue(answer.Length >= expected.Length && answer.Substring(0, expected.Length) == expected, "expected \"" + expected + "\", got: " + answer);
        }

        private static void AssertHas(string expected, string answer)
        {
            Assert.IsTrue(answer.IndexOf(expected) >= 0, "no \"" + expected + "\" in: " + answer);
        }

        /// <summary>Two boards with sockets; whoami "web" on board 2, hello on board 1; services pushed to both; board 1 serves <see cref="Routes"/>.</summary>
        private sealed class Lab
        {
            public readonly TestCluster Cluster;
            public readonly LabSockets Board1;

            public Lab(int memoryClass)
            {
                Cluster = new TestCluster(2, 67, memoryClass, null, true);
                Board1 = Cluster.Sockets[0];
                PodSandbox web = Cluster.Node(2).AddPod("default", "web", 0);
                Cluster.Run("whoami", web, 2);
                PodSandbox hello = Cluster.Node(1).AddPod("default", "hello", 0);
                Cluster.Run("hello", hello, 1);
                for (int board = 1; board <= 2; board++)
                {
                    Push(board, "web", 40, web.Address, 80);
                    Push(board, "hello", 41, hello.Address, 80);
                    Push(board, "empty", 42, 0, 80);
                    Push(board, "refused", 43, web.Address, 8080);
                }

                Cluster.Node(1).ServeIngress(Routes());
                Cluster.Run(2);
            }

            public string Exchange(string request)
            {
                return ExchangeFrom(Laptop, request);
            }

            public string ExchangeFrom(uint address, string request)
            {
                return ExchangeAt(80, address, request);
            }

            public string ExchangeAt(ushort port, uint address, string request)
            {
                LabConnection client = null;
                Assert.IsTrue(Cluster.RunUntil(delegate { return (client = Board1.Dial(port, address)) != null; }, 1000), "the ingress port takes no connection");
                byte[] bytes = Ascii.Bytes(request);
                Assert.AreEqual(bytes.Length, client.Send(bytes, 0, bytes.Length));
                string answer = ReadAll(client);
                client.Close();
                Cluster.Run(5);
                return answer;
            }

            public string ReadAll(LabConnection client)
            {
                byte[] answer = new byte[2048];
                int got = 0;
                Assert.IsTrue(Cluster.RunUntil(delegate
                {
                    got += client.Receive(answer, got, answer.Length - got);
                    return client.EndOfStream;
                }, 30000), "no whole answer; drops " + Cluster.DropsText());
                return Ascii.GetString(answer, 0, got);
            }

            private void Push(int board, string name, byte last, uint endpoint, ushort port)
            {
                var service = new Service { Namespace = "default", Name = name, ClusterIp = Ipv4Address.FromOctets(10, 96, 0, last), Port = 80, Protocol = IpProtocol.Tcp };
                if (endpoint != 0)
                {
                    service.SetEndpoints(new uint[] { endpoint }, new ushort[] { port }, new byte[] { Ready });
                }

                Assert.IsTrue(Cluster.Node(board).Proxy.SetService(service));
            }
        }
    }
}
