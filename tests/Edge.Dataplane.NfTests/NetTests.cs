#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>The node network on the board's runtime: pods on two boards reach each other over VXLAN.</summary>
    [TestClass]
    public class NetTests
    {
        [TestMethod]
        public void A_pod_pings_a_pod_on_another_board_through_VXLAN_with_two_router_hops()
        {
            var cluster = new TestCluster(2, 1);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = cluster.Node(2).AddPod("default", "server", 0);
            IcmpEchoSocket echo = client.OpenEcho();

            int replies = 0;
            for (ushort seq = 1; seq <= 3; seq++)
            {
                Assert.IsTrue(echo.Send(server.Address, seq, 56));
                cluster.Run(100);
                ushort got;
                uint from;
                long rtt;
                byte ttl;
                while (echo.TryReadReply(out got, out from, out rtt, out ttl))
                {
                    Assert.AreEqual(server.Address, from);
                    Assert.AreEqual((byte)62, ttl); // each node's gateway is a hop, as with flannel
                    replies++;
                }
            }

            echo.Close();
            Assert.AreEqual(3, replies);
            Assert.AreEqual(0L, cluster.Node(1).Drops.Total);
            Assert.AreEqual(0L, cluster.Node(2).Drops.Total);
            cluster.Run(IpInterface.PendingTimeoutMs + 100);
            Assert.IsTrue(cluster.NoBufferHeld());
        }
    }
}
