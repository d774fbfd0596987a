#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Boards;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Wire;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// TCP between pods on two boards, on the board's runtime: the handshake, data both ways and
    /// the FIN exchange; a refused connection; a WROOM board's few buffers; and a lossy LAN.
    /// Transfers are a few KiB: the interpreter is ~80 times slower than CoreCLR.
    /// </summary>
    [TestClass]
    public class TcpTests
    {
        /// <summary>
        /// A request from a client pod on board 1 to a server pod on board 2, answered with a
        /// response, then the client closes and the server closes after it: one connection's
        /// life. <see cref="Advance"/> is the simulation's condition.
        /// </summary>
        private sealed class Exchange
        {
            private readonly byte[] _request;
            private readonly byte[] _response;
            private readonly byte[] _chunk = new byte[700];
            private int _requestSent;
            private int _responseSent;

            public readonly TcpSocket Listener;
            public readonly TcpSocket Client;
            public TcpSocket Server;
            public readonly byte[] ServerGot;
            public readonly byte[] ClientGot;
            public int ServerGotCount;
            public int ClientGotCount;

            public Exchange(PodSandbox client, PodSandbox server, int requestBytes, int responseBytes, uint seed)
            {
                _request = Bytes(requestBytes, seed);
                _response = Bytes(responseBytes, seed + 1);
                ServerGot = new byte[requestBytes];
                ClientGot = new byte[responseBytes];
                Listener = server.Listen(8080, 2);
                Client = client.Connect(server.Address, 8080);
            }

            public bool Advance()
            {
                if (Server == null)
                {
                    Server = Listener.Accept();
                }

                if (Client.IsConnected && _requestSent < _request.Length)
                {
                    _requestSent += Client.Send(_request, _requestSent, _request.Length - _requestSent);
                }

                if (Server != null)
                {
                    ServerGotCount += Read(Server, ServerGot, ServerGotCount);
                    if (ServerGotCount == ServerGot.Length && _responseSent < _response.Length)
                    {
                        _responseSent += Server.Send(_response, _responseSent, _response.Length - _responseSent);
                    }

                    if (Server.EndOfStream && Server.State == TcpState.CloseWait)
                    {
                        Server.Close();
                    }
                }

                ClientGotCount += Read(Client, ClientGot, ClientGotCount);
                if (ClientGotCount == ClientGot.Length && Client.State == TcpState.Established)
                {
                    Client.Close();
                }

                return Server != null && Server.State == TcpState.Closed && Client.IsClosed;
            }

            private int Read(TcpSocket socket, byte[] into, int at)
            {
                int total = 0;
                int n;
                while ((n = socket.Receive(_chunk, 0, _chunk.Length)) > 0)
                {
                    Assert.IsTrue(at + total + n <= into.Length, "more bytes than were sent");
                    System.Array.Copy(_chunk, 0, into, at + total, n);
                    total += n;
                }

                return total;
            }

            public void AssertBothWaysWhole()
            {
                Assert.AreEqual(_request.Length, ServerGotCount);
                Assert.AreEqual(_response.Length, ClientGotCount);
                for (int i = 0; i < _request.Length; i++)
                {
                    Assert.AreEqual(_request[i], ServerGot[i], "request byte " + i.ToString());
                }

                for (int i = 0; i < _response.Length; i++)
                {
                    Assert.AreEqual(_response[i], ClientGot[i], "response byte " + i.ToString());
                }
            }

            public string Describe(TestCluster cluster)
            {
                return "client " + Client.ToString() + " (" + TcpError.Name(Client.Error) + "), server "
                    + (Server == null ? "not accepted" : Server.ToString()) + ", " + ServerGotCount.ToString() + "/" + _request.Length.ToString()
                    + " and " + ClientGotCount.ToString() + "/" + _response.Length.ToString() + " bytes; drops " + cluster.DropsText();
            }
        }

        private static byte[] Bytes(int length, uint seed)
        {
            var random = new SeededRandom(seed);
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++)
            {
                data[i] = (byte)random.NextUInt32();
            }

            return data;
        }

        /// <summary>The TCP flags of every segment in the captured frames, in order.</summary>
        private static byte[] TcpFlagsOf(byte[][] frames, out int mss)
        {
            var decoder = new FrameDecoder();
            byte[] flags = new byte[frames.Length];
            int n = 0;
            mss = 0;
            for (int i = 0; i < frames.Length; i++)
            {
                if (decoder.Decode(frames[i], 0, frames[i].Length) == WireError.None && decoder.Has(FrameLayer.Tcp))
                {
                    flags[n++] = decoder.Tcp.Flags;
                    if (decoder.Tcp.HasFlag(TcpFlags.Syn))
                    {
                        mss = decoder.Tcp.MaximumSegmentSize;
                    }
                }
            }

            byte[] result = new byte[n];
            System.Array.Copy(flags, result, n);
            return result;
        }

        private static int Count(byte[] flags, byte flag)
        {
            int n = 0;
            for (int i = 0; i < flags.Length; i++)
            {
                n += (flags[i] & flag) != 0 ? 1 : 0;
            }

            return n;
        }

        [TestMethod]
        public void A_connection_opens_carries_data_both_ways_and_closes_with_a_FIN_each_way()
        {
            var cluster = new TestCluster(2, 21);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
            Capture toServer = Capture.OnBridgePort(cluster.Node(2).Bridge, Bridge.GatewayPort); // a bridge has one tap: each side's gateway port
            Capture toClient = Capture.OnBridgePort(cluster.Node(1).Bridge, Bridge.GatewayPort);
            var exchange = new Exchange(client, server, 3000, 2000, 21);

            Assert.IsTrue(cluster.RunUntil(exchange.Advance, 20000), exchange.Describe(cluster));

            exchange.AssertBothWaysWhole();
            Assert.AreEqual(TcpError.None, exchange.Client.Error);
            Assert.AreEqual(TcpError.None, exchange.Server.Error);
            Assert.AreEqual(TcpState.TimeWait, exchange.Client.State); // the active closer waits
            Assert.AreEqual(0L, exchange.Client.Retransmits + exchange.Server.Retransmits);

            int clientMss;
            int serverMss;
            byte[] sent = TcpFlagsOf(toServer.Frames(), out clientMss);
            byte[] received = TcpFlagsOf(toClient.Frames(), out serverMss);
            Assert.AreEqual(TcpFlags.Syn, sent[0]); // the handshake: SYN, SYN-ACK, ACK
            Assert.AreEqual((byte)(TcpFlags.Syn | TcpFlags.Ack), received[0]);
            Assert.AreEqual(TcpFlags.Ack, (byte)(sent[1] & (TcpFlags.Syn | TcpFlags.Ack)));
            Assert.IsTrue(clientMss > 0 && clientMss <= 1460 && serverMss == clientMss, "MSS " + clientMss.ToString() + "/" + serverMss.ToString());
            Assert.AreEqual(1, Count(sent, TcpFlags.Syn));
            Assert.AreEqual(1, Count(sent, TcpFlags.Fin));
            Assert.AreEqual(1, Count(received, TcpFlags.Fin));
            Assert.AreEqual(0, Count(sent, TcpFlags.Rst) + Count(received, TcpFlags.Rst));

            cluster.Run(cluster.Node(1).Config.TimeWaitMs + 100);
            Assert.AreEqual(TcpState.Closed, exchange.Client.State);
            Assert.AreEqual(0, client.SocketCount());
            Assert.AreEqual(1, server.SocketCount()); // the listener
            Assert.IsTrue(cluster.NoBufferHeld());
        }

        [TestMethod]
        public void Connecting_to_a_port_nobody_listens_on_is_refused_by_RST()
        {
            var cluster = new TestCluster(2, 22);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
            Capture toClient = Capture.OnBridgePort(cluster.Node(1).Bridge, Bridge.GatewayPort);

            TcpSocket socket = client.Connect(server.Address, 9);
            Assert.IsTrue(cluster.RunUntil(delegate { return socket.State == TcpState.Closed; }, 1000));

            Assert.AreEqual(TcpError.Refused, socket.Error);
            Assert.AreEqual("connection refused", TcpError.Name(socket.Error));
            int mss;
            byte[] flags = TcpFlagsOf(toClient.Frames(), out mss);
            Assert.AreEqual(1, flags.Length);
            Assert.AreEqual((byte)(TcpFlags.Rst | TcpFlags.Ack), flags[0]);
            Assert.AreEqual(0, client.SocketCount());
        }

        [TestMethod]
        public void A_transfer_between_two_WROOM_boards_arrives_whole_with_six_packet_buffers_each()
        {
            var cluster = new TestCluster(2, 72, MemoryClass.Wroom);
            Assert.AreEqual(6, cluster.Node(1).Config.PacketBuffers);
            Assert.AreEqual(6, cluster.Node(1).Context.Pool.Capacity);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
            var exchange = new Exchange(client, server, 8 * 1024, 1024, 72);

            Assert.IsTrue(cluster.RunUntil(exchange.Advance, 60000), exchange.Describe(cluster));

            exchange.AssertBothWaysWhole();
            Assert.AreEqual(TcpError.None, exchange.Client.Error);
            Assert.IsTrue(cluster.NoBufferHeld());
        }

        [TestMethod]
        public void A_transfer_over_a_LAN_that_loses_every_seventh_datagram_arrives_whole_by_retransmission()
        {
            var cluster = new TestCluster(2, 23);
            cluster.Lan.LoseEvery = 7;
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
            var exchange = new Exchange(client, server, 6000, 3000, 23);

            Assert.IsTrue(cluster.RunUntil(exchange.Advance, 120000), exchange.Describe(cluster));

            exchange.AssertBothWaysWhole();
            Assert.IsTrue(cluster.Lan.Lost >= 3, "the loss happened: " + cluster.Lan.Lost.ToString());
            Assert.IsTrue(exchange.Client.Retransmits + exchange.Server.Retransmits > 0);
            Assert.AreEqual(TcpError.None, exchange.Client.Error);
            Assert.AreEqual(TcpError.None, exchange.Server.Error);
        }
    }
}
