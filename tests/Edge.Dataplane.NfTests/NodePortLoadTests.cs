#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// A NodePort under more clients than the board can relay: what it cannot hold it sheds
    /// (accepts and closes at once, counted), connections the clients give up on are closed on
    /// both sides, and the port serves the next client once the burst is over.
    /// </summary>
    [TestClass]
    public class NodePortLoadTests
    {
        private const byte Ready = EndpointFlags.Ready | EndpointFlags.Serving;

        // Half a request head: a client that connects, starts a request and never finishes it.
        private static readonly byte[] HalfRequest = Ascii.Bytes("GET / HTTP/1.1\r\nHost: lab\r\n");
        private static readonly byte[] WholeRequest = Ascii.Bytes("GET / HTTP/1.1\r\nHost: lab\r\n\r\n");

        [TestMethod]
        public void A_burst_of_held_half_requests_is_shed_and_the_NodePort_serves_again_once_the_clients_close()
        {
            var cluster = new TestCluster(2, 53, 0, null, true);
            PodSandbox web = cluster.Node(2).AddPod("default", "web-2", 0);
            cluster.Run("whoami", web, 2);
            Push(cluster, web, 2);
            cluster.Run(2);
            LabSockets board1 = cluster.Sockets[0];
            int handlesBefore = board1.OpenHandles;

            // Forty clients, each with half a request, more than the board relays at once.
            var burst = new LabConnection[40];
            for (int i = 0; i < burst.Length; i++)
            {
                uint client = Ipv4Address.FromOctets(192, 168, 50, (byte)(10 + i));
                Assert.IsTrue(cluster.RunUntil(delegate { return (burst[i] = board1.Dial(30080, client)) != null; }, 1000), "client " + i.ToString() + " never got into the backlog");
                burst[i].Send(HalfRequest, 0, HalfRequest.Length);
                cluster.Run(1);
            }

            cluster.Run(2000);
            NodePortProxy nodePorts = cluster.Node(1).NodePorts;
            Assert.IsTrue(nodePorts.Refused > 0, "what the relay could not hold was refused");
            Assert.AreEqual(40L, nodePorts.Accepted + nodePorts.Refused);

            for (int i = 0; i < burst.Length; i++)
            {
                burst[i].Close();
            }

            // Within 5 s of the burst's end the board has let go of every connection and serves again.
            Assert.IsTrue(cluster.RunUntil(delegate { return board1.OpenHandles == handlesBefore; }, 5000),
                (board1.OpenHandles - handlesBefore).ToString() + " connections still held; drops " + cluster.DropsText());
            LabConnection next = board1.Dial(30080, Ipv4Address.FromOctets(192, 168, 50, 250));
            Assert.IsNotNull(next);
            next.Send(WholeRequest, 0, WholeRequest.Length);
            byte[] answer = new byte[512];
            int got = 0;
            Assert.IsTrue(cluster.RunUntil(delegate
            {
                got += next.Receive(answer, got, answer.Length - got);
                return next.EndOfStream;
            }, 1000), "no answer after the burst; drops " + cluster.DropsText());
            Assert.IsTrue(got > 12 && answer[9] == (byte)'2' && answer[10] == (byte)'0' && answer[11] == (byte)'0', "HTTP 200 after the burst");
        }

        private static void Push(TestCluster cluster, PodSandbox pod, int podBoard)
        {
            for (int board = 1; board <= cluster.Nodes.Length; board++)
            {
                var service = new Service { Name = "web", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 30), Port = 80, Protocol = IpProtocol.Tcp, NodePort = 30080 };
                service.Type = ServiceType.NodePort;
                service.SetEndpoints(new uint[] { pod.Address }, new ushort[] { 80 }, new byte[] { (byte)(Ready | (board == podBoard ? EndpointFlags.Local : 0)) });
                Assert.IsTrue(cluster.Node(board).Proxy.SetService(service));
            }
        }
    }
}
