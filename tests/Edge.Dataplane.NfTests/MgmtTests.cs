#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Dns;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Trust;
using Edge.Dataplane.Wire;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// The host-board protocol on the board: snapshots and deltas decode to what was encoded,
    /// damage is refused whole, TLS keys sent in a session decrypt on the board, and the frame
    /// reader finds frames in noise and refuses bad CRCs.
    /// </summary>
    [TestClass]
    public class MgmtTests
    {
        private const byte Ready = EndpointFlags.Ready | EndpointFlags.Serving;

        private static Service Svc(string ns, string name, uint clusterIp, int endpoints)
        {
            var s = new Service { Namespace = ns, Name = name, PortName = "http", ClusterIp = clusterIp, Port = 80, Protocol = IpProtocol.Tcp };
            uint[] addresses = new uint[endpoints];
            ushort[] ports = new ushort[endpoints];
            byte[] flags = new byte[endpoints];
            for (int i = 0; i < endpoints; i++)
            {
                addresses[i] = Ipv4Address.FromOctets(10, 244, 1 + i % 3, 10 + i);
                ports[i] = 8080;
                flags[i] = (byte)(Ready | (i == 0 ? EndpointFlags.Local : 0));
            }

            s.SetEndpoints(addresses, ports, flags);
            return s;
        }

        /// <summary>What board 1 of three gets: two peers, two of its pods, five services (one NodePort with affinity), their DNS entries, and every pod in the cluster.</summary>
        private static DesiredState Workshop(uint generation)
        {
            var state = new DesiredState { Generation = generation, PodNetwork = Ipv4Address.FromOctets(10, 244, 1, 0), ProxyMode = ProxyMode.RoundRobin };
            state.Peers = new PeerSpec[]
            {
                new PeerSpec { Name = "node-2", PodNetwork = Ipv4Address.FromOctets(10, 244, 2, 0), Address = Ipv4Address.FromOctets(192, 168, 50, 12) },
                new PeerSpec { Name = "node-3", PodNetwork = Ipv4Address.FromOctets(10, 244, 3, 0), Address = Ipv4Address.FromOctets(192, 168, 50, 13) },
            };
            state.Pods = new PodSpec[]
            {
                new PodSpec { Namespace = "default", Name = "web-1", Uid = "3f1c-01", Address = Ipv4Address.FromOctets(10, 244, 1, 10), Containers = ContainerSpec.One("whoami") },
                new PodSpec { Namespace = "shop", Name = "toolbox", Uid = "3f1c-02", Address = Ipv4Address.FromOctets(10, 244, 1, 11), Containers = ContainerSpec.One("toolbox") },
            };
            state.Services = new Service[5];
            state.DnsServices = new DnsService[5];
            for (int i = 0; i < 5; i++)
            {
                state.Services[i] = Svc(i % 2 == 0 ? "default" : "shop", "svc-" + i.ToString(), Ipv4Address.FromOctets(10, 96, 0, 20 + i), 1 + i % 3);
                state.DnsServices[i] = new DnsService
                {
                    Namespace = state.Services[i].Namespace, Name = state.Services[i].Name, ClusterIp = state.Services[i].ClusterIp,
                    PortNames = new string[] { "http" }, PortProtocols = new byte[] { IpProtocol.Tcp }, PortNumbers = new ushort[] { 80 },
                };
            }

            state.Services[3].Type = ServiceType.NodePort;
            state.Services[3].NodePort = 30080;
            state.Services[3].ClientIpAffinity = true;
            state.Services[3].AffinityTimeoutSeconds = 600;
            state.ClusterPodAddresses = new uint[] { state.Pods[0].Address, state.Pods[1].Address, Ipv4Address.FromOctets(10, 244, 2, 10) };
            state.ClusterPodNamespaces = new string[] { "default", "shop", "default" };
            return state;
        }

        private static void AssertSameBytes(byte[] expected, byte[] actual, string what)
        {
            Assert.AreEqual(expected.Length, actual.Length, what + ": length");
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i], actual[i], what + ": byte " + i.ToString());
            }
        }

        private static Service FindService(DesiredState state, string ns, string name)
        {
            for (int i = 0; i < state.Services.Length; i++)
            {
                if (state.Services[i].Namespace == ns && state.Services[i].Name == name)
                {
                    return state.Services[i];
                }
            }

            return null;
        }

        private static byte[] FrameOf(byte type, ushort id, byte[] payload)
        {
            byte[] b = new byte[Frame.HeaderLength + payload.Length + Frame.TrailerLength];
            System.Array.Copy(payload, 0, b, Frame.HeaderLength, payload.Length);
            Frame.Seal(b, 0, type, id, payload.Length);
            return b;
        }

        private static byte[] Concat(byte[] a, byte[] b)
        {
            byte[] c = new byte[a.Length + b.Length];
            System.Array.Copy(a, c, a.Length);
            System.Array.Copy(b, 0, c, a.Length, b.Length);
            return c;
        }

        /// <summary>Pushes the stream in chunks and returns the request ids of the frames read, in order.</summary>
        private static ushort[] ReadIds(FrameReader reader, byte[] stream, int chunk, out int lastPayloadLength)
        {
            ushort[] ids = new ushort[16];
            int count = 0;
            lastPayloadLength = -1;
            for (int at = 0; at < stream.Length; at += chunk)
            {
                int n = chunk < stream.Length - at ? chunk : stream.Length - at;
                int taken = 0;
                while (taken < n)
                {
                    taken += reader.Push(stream, at + taken, n - taken);
                    while (reader.Next())
                    {
                        ids[count++] = reader.RequestId;
                        lastPayloadLength = reader.PayloadLength;
                    }
                }
            }

            ushort[] result = new ushort[count];
            System.Array.Copy(ids, result, count);
            return result;
        }

        [TestMethod]
        public void A_snapshot_decodes_to_what_was_encoded()
        {
            var state = new DesiredState { Generation = 7, PodNetwork = 0x0AF40100 };
            state.Pods = new PodSpec[] { new PodSpec { Namespace = "default", Name = "web", Uid = "u-1", Address = 0x0AF40102, Containers = ContainerSpec.One("whoami") } };
            byte[] buffer = new byte[1024];
            var w = new PayloadWriter();
            w.Begin(buffer, 0, buffer.Length);
            StateCodec.Encode(state, w);
            Assert.IsFalse(w.Overflow);

            var r = new PayloadReader();
            r.Begin(buffer, 0, w.Length);
            DesiredState decoded = StateCodec.Decode(r);

            Assert.IsNotNull(decoded);
            Assert.AreEqual(7u, decoded.Generation);
            Assert.AreEqual("web", decoded.Pods[0].Name);
            Assert.AreEqual(0x0AF40102u, decoded.Pods[0].Address);
        }

        [TestMethod]
        public void A_pods_args_and_environment_cross_in_order_and_a_resync_with_new_ones_is_a_new_spec()
        {
            var state = new DesiredState { Generation = 3, PodNetwork = 0x0AF40100 };
            state.Pods = new PodSpec[]
            {
                new PodSpec { Name = "web", Uid = "u-1", Address = 0x0AF40102, Containers = ContainerSpec.One("whoami") },
                new PodSpec { Name = "client", Uid = "u-2", Address = 0x0AF40103, Containers = ContainerSpec.One("toolbox") },
            };
            state.Pods[0].Containers[0].Args = new string[] { "--port", "8080" };
            state.Pods[0].Containers[0].Env = new string[] { "WHOAMI_NAME=blue" };
            byte[] payload = StatePayloads.Encode(state);
            DesiredState decoded = StatePayloads.Decode(payload, payload.Length);

            Assert.IsNotNull(decoded);
            Assert.AreEqual(2, decoded.Pods[0].Containers[0].Args.Length);
            Assert.AreEqual("8080", decoded.Pods[0].Containers[0].Args[1]);
            Assert.AreEqual("WHOAMI_NAME=blue", decoded.Pods[0].Containers[0].Env[0]);
            Assert.AreEqual(0, decoded.Pods[1].Containers[0].Args.Length);

            // A resync that says the same keeps the held spec; new args make a new one.
            var r = new PayloadReader();
            r.Begin(payload, 0, payload.Length);
            DesiredState again = StateCodec.Decode(r, decoded, null);
            Assert.AreSame(decoded.Pods[0], again.Pods[0]);
            state.Pods[0].Containers[0].Args = new string[] { "--port", "9090" };
            byte[] changed = StatePayloads.Encode(state);
            r.Begin(changed, 0, changed.Length);
            DesiredState next = StateCodec.Decode(r, decoded, null);
            Assert.AreNotSame(decoded.Pods[0], next.Pods[0]);
            Assert.AreEqual("9090", next.Pods[0].Containers[0].Args[1]);
        }

        [TestMethod]
        public void A_full_snapshot_decodes_to_the_same_state_and_encodes_again_to_the_same_bytes()
        {
            DesiredState sent = Workshop(42);
            byte[] payload = StatePayloads.Encode(sent);

            DesiredState got = StatePayloads.Decode(payload, payload.Length);

            Assert.IsNotNull(got);
            AssertSameBytes(payload, StatePayloads.Encode(got), "a second encoding");
            Assert.AreEqual(42u, got.Generation);
            Assert.AreEqual(ProxyMode.RoundRobin, got.ProxyMode);
            Assert.AreEqual("node-3", got.Peers[1].Name);
            Assert.AreEqual(Ipv4Address.FromOctets(192, 168, 50, 13), got.Peers[1].Address);
            Assert.AreEqual("3f1c-02", got.Pods[1].Uid);
            Assert.AreEqual("toolbox", got.Pods[1].Image);
            Assert.AreEqual("shop", got.Pods[1].Namespace);
            Service nodePort = got.Services[3];
            Assert.AreEqual(ServiceType.NodePort, nodePort.Type);
            Assert.AreEqual((ushort)30080, nodePort.NodePort);
            Assert.IsTrue(nodePort.ClientIpAffinity);
            Assert.AreEqual(600, nodePort.AffinityTimeoutSeconds);
            Service three = got.Services[2];
            Assert.AreEqual(3, three.EndpointCount);
            for (int e = 0; e < 3; e++)
            {
                Assert.AreEqual(sent.Services[2].EndpointAddresses[e], three.EndpointAddresses[e]);
                Assert.AreEqual((ushort)8080, three.EndpointPorts[e]);
                Assert.AreEqual(sent.Services[2].EndpointFlagBits[e], three.EndpointFlagBits[e]);
            }

            Assert.AreEqual("svc-4", got.DnsServices[4].Name);
            Assert.AreEqual((ushort)80, got.DnsServices[4].PortNumbers[0]);
            Assert.AreEqual(3, got.ClusterPodAddresses.Length);
            Assert.AreEqual("shop", got.ClusterPodNamespaces[1]);
        }

        [TestMethod]
        public void Every_cut_of_a_snapshot_is_refused_and_damage_never_throws()
        {
            byte[] payload = StatePayloads.Encode(Workshop(42));
            for (int length = 0; length < payload.Length; length += 3)
            {
                Assert.IsNull(StatePayloads.Decode(payload, length), "cut at " + length.ToString());
            }

            var random = new SeededRandom(5);
            byte[] damaged = new byte[payload.Length];
            for (int round = 0; round < 200; round++)
            {
                System.Array.Copy(payload, damaged, payload.Length);
                damaged[(int)(random.NextUInt32() % (uint)damaged.Length)] ^= (byte)(1 + random.NextUInt32() % 255);
                StatePayloads.Decode(damaged, damaged.Length); // refused, or decoded to something else: never an exception
            }
        }

        [TestMethod]
        public void A_resync_keeps_a_headless_service_whose_endpoint_has_no_hostname()
        {
            // The host sends the same snapshot again (a resync): the board decodes it against the
            // state it holds and keeps its entries. A null hostname travels as string 0; decoded,
            // it must be a real null, or comparing the two copies crashed nanoCLR (see Empty.NewStrings).
            var state = new DesiredState { Generation = 1, PodNetwork = Ipv4Address.FromOctets(10, 244, 1, 0) };
            var db = new DnsService
            {
                Name = "db",
                PortNames = new string[] { "mysql" }, PortProtocols = new byte[] { IpProtocol.Tcp }, PortNumbers = new ushort[] { 3306 },
                EndpointAddresses = new uint[] { Ipv4Address.FromOctets(10, 244, 1, 5), Ipv4Address.FromOctets(10, 244, 2, 6) },
                EndpointHostnames = new string[] { "db-0", "db-1" },
                EndpointReady = new bool[] { true, true },
                EndpointPorts = new ushort[] { 3306, 3306 },
            };
            db.EndpointHostnames[1] = null; // a Deployment's pod behind a headless service: no hostname
            state.DnsServices = new DnsService[] { db };
            byte[] payload = StatePayloads.Encode(state);
            DesiredState held = StatePayloads.Decode(payload, payload.Length);
            Assert.IsNotNull(held);
            Assert.IsTrue((object)held.DnsServices[0].EndpointHostnames[1] == null);
            Assert.AreEqual("db-0", held.DnsServices[0].EndpointHostnames[0]);

            var r = new PayloadReader();
            r.Begin(payload, 0, payload.Length);
            DesiredState again = StateCodec.Decode(r, held, null);

            Assert.IsNotNull(again);
            Assert.AreSame(held.DnsServices[0], again.DnsServices[0]);
        }

        [TestMethod]
        public void A_delta_merged_into_the_applied_state_gives_the_next_state()
        {
            // The board holds the state as it decoded it.
            byte[] snapshot = StatePayloads.Encode(Workshop(42));
            DesiredState applied = StatePayloads.Decode(snapshot, snapshot.Length);

            // Next: svc-2 gone, svc-1 with one more endpoint, shop/new added, a third pod.
            var changed = new DesiredState { Generation = 43, PodNetwork = applied.PodNetwork, ProxyMode = applied.ProxyMode };
            changed.Services = new Service[] { Svc("shop", "svc-1", Ipv4Address.FromOctets(10, 96, 0, 21), 3), Svc("shop", "new", Ipv4Address.FromOctets(10, 96, 0, 99), 1) };
            changed.DnsServices = new DnsService[] { new DnsService { Namespace = "shop", Name = "new", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 99) } };
            changed.Pods = new PodSpec[]
            {
                applied.Pods[0], applied.Pods[1],
                new PodSpec { Namespace = "default", Name = "web-2", Uid = "3f1c-03", Address = Ipv4Address.FromOctets(10, 244, 1, 12), Containers = ContainerSpec.One("echo") },
            };
            byte[] buffer = new byte[4096];
            var w = new PayloadWriter();
            w.Begin(buffer, 0, buffer.Length);
            StateDelta.Encode(42, StateDelta.PodsReplaced, new string[] { "default", "svc-2" }, new string[] { "default", "svc-2" }, changed, w);
            Assert.IsFalse(w.Overflow);
            Assert.IsTrue(w.Length < snapshot.Length, "a delta of " + w.Length.ToString() + " bytes against a snapshot of " + snapshot.Length.ToString());
            Assert.AreEqual(42u, StateDelta.BaseGeneration(buffer, 0, w.Length));

            var r = new PayloadReader();
            r.Begin(buffer, 0, w.Length);
            string error;
            DesiredState next = StateDelta.Merge(applied, r, out error);

            Assert.IsNull(error);
            Assert.IsNotNull(next);
            Assert.AreEqual(43u, next.Generation);
            Assert.AreEqual(5, next.Services.Length); // 5 - svc-2 + new
            Assert.IsNull(FindService(next, "default", "svc-2"));
            Assert.AreEqual(3, FindService(next, "shop", "svc-1").EndpointCount);
            Assert.AreEqual(Ipv4Address.FromOctets(10, 96, 0, 99), FindService(next, "shop", "new").ClusterIp);
            Assert.AreSame(applied.Services[0], FindService(next, "default", "svc-0")); // unchanged services are kept, not copied
            Assert.AreEqual(5, next.DnsServices.Length);
            Assert.AreEqual(3, next.Pods.Length);
            Assert.AreEqual("web-2", next.Pods[2].Name);
            Assert.AreSame(applied.Peers, next.Peers); // peers did not travel
            Assert.AreEqual(3, next.ClusterPodAddresses.Length);
        }

        [TestMethod]
        public void A_delta_cut_short_is_refused_with_a_reason()
        {
            byte[] snapshot = StatePayloads.Encode(Workshop(42));
            DesiredState applied = StatePayloads.Decode(snapshot, snapshot.Length);
            var changed = new DesiredState { Generation = 43, PodNetwork = applied.PodNetwork };
            changed.Services = new Service[] { Svc("default", "svc-0", Ipv4Address.FromOctets(10, 96, 0, 20), 2) };
            byte[] buffer = new byte[4096];
            var w = new PayloadWriter();
            w.Begin(buffer, 0, buffer.Length);
            StateDelta.Encode(42, 0, new string[0], new string[0], changed, w);

            for (int length = 1; length < w.Length; length += 2)
            {
                var r = new PayloadReader();
                r.Begin(buffer, 0, length);
                string error;
                Assert.IsNull(StateDelta.Merge(applied, r, out error), "cut at " + length.ToString());
                Assert.IsNotNull(error);
            }
        }

        [TestMethod]
        public void TLS_keys_sent_in_a_session_decrypt_on_the_board_and_without_one_the_state_is_refused()
        {
            byte[] key = Workloads.Ascii.Bytes("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIE\n-----END PRIVATE KEY-----\n");
            var tls = new TlsCertificates(2, 1);
            tls.Chains[0] = Workloads.Ascii.Bytes("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
            tls.Keys[0] = key;
            tls.Chains[1] = tls.Chains[0];
            tls.Keys[1] = Workloads.Ascii.Bytes("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n");
            tls.Hosts[0] = "secure.example";
            var state = new DesiredState { Generation = 3, PodNetwork = 0x0AF40100, Tls = tls };
            byte[] clusterKey = new byte[SessionAuth.KeyLength];
            SessionAuth host = new SessionAuth(SessionAuth.Host, clusterKey, 0);
            SessionAuth board = new SessionAuth(SessionAuth.Board, clusterKey, 0);
            byte[] nb = new byte[SessionAuth.NonceLength];
            byte[] nh = new byte[SessionAuth.NonceLength];
            nh[0] = 1;
            host.Establish(nb, 0, nh, 0);
            board.Establish(nb, 0, nh, 0);

            byte[] buffer = new byte[1024];
            var w = new PayloadWriter();
            w.Begin(buffer, 0, buffer.Length);
            StateCodec.Encode(state, w, host, new SeededRandom(5));
            Assert.IsFalse(w.Overflow);
            Assert.AreEqual(StatePayloads.Encode(state).Length + 2 * SessionAuth.NonceLength, w.Length, "a nonce per key");
            for (int at = 0; at + 4 <= w.Length; at++)
            {
                Assert.IsFalse(buffer[at] == 'M' && buffer[at + 1] == 'C' && buffer[at + 2] == '4' && buffer[at + 3] == 'C', "the key's body at " + at.ToString());
            }

            var r = new PayloadReader();
            r.Begin(buffer, 0, w.Length);
            DesiredState decoded = StateCodec.Decode(r, null, null, board);
            Assert.IsNotNull(decoded);
            AssertSameBytes(key, decoded.Tls.Keys[0], "the first key");
            AssertSameBytes(tls.Keys[1], decoded.Tls.Keys[1], "the second key");
            AssertSameBytes(tls.Chains[1], decoded.Tls.Chains[1], "a chain");

            r.Begin(buffer, 0, w.Length);
            Assert.IsNull(StateCodec.Decode(r), "encrypted keys on a line with no session");
        }

        [TestMethod]
        public void A_rewrite_routes_pattern_and_target_travel_and_a_resync_keeps_the_held_routes()
        {
            DesiredState state = new DesiredState();
            state.PodNetwork = Ipv4Address.FromOctets(10, 244, 1, 0);
            var routes = new IngressRoutes(2);
            routes.Add("", "/something(/|$)(.*)", PathType.ImplementationSpecific, "default", "web", 80);
            routes.Add("", "/plain", PathType.Prefix, "default", "web", 80);
            routes.Annotations = new RouteAnnotations(2, 0);
            routes.Annotations.Rewrites = new RouteRewrites(2);
            routes.Annotations.Rewrites.Programs[0] = PatternAssembler.Something();
            routes.Annotations.Rewrites.Targets[0] = "/$2";
            state.Ingress = routes;
            byte[] payload = StatePayloads.Encode(state);

            DesiredState held = StatePayloads.Decode(payload, payload.Length);
            Assert.IsNotNull(held);
            RouteRewrites got = held.Ingress.Annotations.Rewrites;
            Assert.AreEqual("/$2", got.Targets[0]);
            Assert.IsTrue(got.Programs[1] == null);
            AssertSameBytes(PatternAssembler.Something(), got.Programs[0], "the program");

            var r = new PayloadReader();
            r.Begin(payload, 0, payload.Length);
            DesiredState again = StateCodec.Decode(r, held, null);
            Assert.AreSame(held.Ingress, again.Ingress);
        }

        [TestMethod]
        public void A_frame_after_garbage_is_read_whole()
        {
            byte[] frame = new byte[Frame.HeaderLength + 3 + Frame.TrailerLength];
            frame[Frame.HeaderLength] = 1;
            frame[Frame.HeaderLength + 1] = 2;
            frame[Frame.HeaderLength + 2] = 3;
            int length = Frame.Seal(frame, 0, MessageType.Heartbeat, 9, 3);
            byte[] stream = new byte[7 + length];
            stream[0] = 0xff;
            stream[3] = 0x42;
            System.Array.Copy(frame, 0, stream, 7, length);

            var reader = new FrameReader(256);
            reader.Push(stream, 0, stream.Length);

            Assert.IsTrue(reader.Next());
            Assert.AreEqual(MessageType.Heartbeat, reader.Type);
            Assert.AreEqual((ushort)9, reader.RequestId);
            Assert.AreEqual(3, reader.PayloadLength);
            Assert.AreEqual(7L, reader.GarbageBytes);
        }

        [TestMethod]
        public void Frames_split_anywhere_come_out_whole_and_in_order_even_between_garbage()
        {
            byte[] garbage = { 0x45, 0x67, 0x01, 0xff, 0x00, 0x45, 0x45, 0x67 }; // with false starts of the magic "Eg"
            byte[] stream = Concat(Concat(Concat(garbage, FrameOf(MessageType.Hello, 1, new byte[] { 1, 2, 3 })), Concat(garbage, FrameOf(MessageType.Ack, 2, new byte[0]))),
                Concat(FrameOf(MessageType.Event, 3, new byte[300]), garbage));
            int[] chunks = { 1, 2, 7, 64, stream.Length };
            for (int c = 0; c < chunks.Length; c++)
            {
                var reader = new FrameReader();
                int last;
                ushort[] ids = ReadIds(reader, stream, chunks[c], out last);

                Assert.AreEqual(3, ids.Length, "chunks of " + chunks[c].ToString());
                Assert.AreEqual((ushort)1, ids[0]);
                Assert.AreEqual((ushort)2, ids[1]);
                Assert.AreEqual((ushort)3, ids[2]);
                Assert.AreEqual(300, last);
                Assert.IsTrue(reader.GarbageBytes >= 2 * garbage.Length, "garbage counted: " + reader.GarbageBytes.ToString());
            }
        }

        [TestMethod]
        public void A_frame_with_a_bad_CRC_is_lost_alone_and_the_next_one_arrives()
        {
            byte[] bad = FrameOf(MessageType.Snapshot, 1, new byte[50]);
            bad[20] ^= 0x40;
            var reader = new FrameReader();
            int last;

            ushort[] ids = ReadIds(reader, Concat(bad, FrameOf(MessageType.Ack, 2, new byte[] { 7 })), 5, out last);

            Assert.AreEqual(1, ids.Length);
            Assert.AreEqual((ushort)2, ids[0]);
            Assert.AreEqual(1, last);
            Assert.IsTrue(reader.BadFrames >= 1);

            // A newer protocol version is skipped, not misread.
            byte[] newer = FrameOf(MessageType.Hello, 3, new byte[] { 1 });
            newer[2] = Frame.Version + 1;
            NetworkOrder.WriteU32(newer, newer.Length - 4, Crc32.Compute(newer, 2, Frame.HeaderLength - 2 + 1));
            ids = ReadIds(reader, Concat(newer, FrameOf(MessageType.Hello, 4, new byte[] { 2 })), 100, out last);
            Assert.AreEqual(1, ids.Length);
            Assert.AreEqual((ushort)4, ids[0]);
            Assert.AreEqual(1L, reader.UnknownVersion);
        }

        [TestMethod]
        public void CRC_32_gives_the_standard_check_value_and_agrees_with_the_bitwise_definition()
        {
            byte[] check = { (byte)'1', (byte)'2', (byte)'3', (byte)'4', (byte)'5', (byte)'6', (byte)'7', (byte)'8', (byte)'9' };
            Assert.AreEqual(0xCBF43926u, Crc32.Compute(check, 0, check.Length));

            var random = new SeededRandom(32);
            for (int n = 0; n < 40; n++)
            {
                byte[] data = new byte[(int)(random.NextUInt32() % 200)];
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = (byte)random.NextUInt32();
                }

                uint crc = 0xFFFFFFFF;
                for (int i = 0; i < data.Length; i++)
                {
                    crc ^= data[i];
                    for (int k = 0; k < 8; k++)
                    {
                        crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
                    }
                }

                Assert.AreEqual(~crc, Crc32.Compute(data, 0, data.Length), data.Length.ToString() + " bytes");
            }
        }
    }
}
