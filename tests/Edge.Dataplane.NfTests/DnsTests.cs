#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Dns;
using Edge.Dataplane.Wire;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>The cluster DNS on the board: a service's A record, and NXDOMAIN for a name that is not there.</summary>
    [TestClass]
    public class DnsTests
    {
        private static byte[] Query(string name)
        {
            byte[] wire = DnsName.FromText(name);
            byte[] q = new byte[DnsHeader.Length + wire.Length + 4];
            q[0] = 0x12;
            q[1] = 0x34;
            q[2] = 0x01; // RD
            q[5] = 1; // one question
            System.Array.Copy(wire, 0, q, DnsHeader.Length, wire.Length);
            q[DnsHeader.Length + wire.Length + 1] = (byte)DnsType.A;
            q[DnsHeader.Length + wire.Length + 3] = 1; // IN
            return q;
        }

        [TestMethod]
        public void A_service_name_answers_with_its_cluster_IP_and_others_are_NXDOMAIN()
        {
            var zone = new DnsZone("cluster.local", 5, 32, 16);
            zone.SetService(new DnsService { Namespace = "default", Name = "web", ClusterIp = 0x0A600014 });
            var server = new DnsServer(zone);
            byte[] response = new byte[512];

            byte[] query = Query("web.default.svc.cluster.local.");
            int length = server.Answer(query, 0, query.Length, response, 0, response.Length, false);
            Assert.IsTrue(length > DnsHeader.Length);
            Assert.AreEqual(0, NetworkOrder.ReadU16(response, DnsHeader.FlagsField) & 0x0F);
            Assert.AreEqual((ushort)1, NetworkOrder.ReadU16(response, DnsHeader.AnswerCountField));
            Assert.AreEqual(0x0A600014u, NetworkOrder.ReadU32(response, length - 4));

            byte[] missing = Query("nothing.default.svc.cluster.local.");
            server.Answer(missing, 0, missing.Length, response, 0, response.Length, false);
            Assert.AreEqual(DnsRcode.NXDomain, NetworkOrder.ReadU16(response, DnsHeader.FlagsField) & 0x0F);
        }
    }
}
