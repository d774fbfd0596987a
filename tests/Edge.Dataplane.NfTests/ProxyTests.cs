#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>kube-proxy's service table on the board: a service found by (VIP, port, protocol), and gone when removed.</summary>
    [TestClass]
    public class ProxyTests
    {
        [TestMethod]
        public void A_service_is_found_by_its_virtual_IP_port_and_protocol()
        {
            var table = new ServiceTable(32);
            var web = new Service { Namespace = "default", Name = "web", PortName = "http", ClusterIp = 0x0A600014, Port = 80 };
            web.SetEndpoints(new uint[] { 0x0AF40102, 0x0AF40202 }, new ushort[] { 80, 80 },
                new byte[] { EndpointFlags.Ready | EndpointFlags.Serving, EndpointFlags.Ready | EndpointFlags.Serving });
            table.Set(web);

            Assert.AreEqual((object)web, (object)table.Lookup(0x0A600014, 80, IpProtocol.Tcp));
            Assert.IsNull(table.Lookup(0x0A600014, 80, IpProtocol.Udp));
            Assert.IsNull(table.Lookup(0x0A600014, 8080, IpProtocol.Tcp));
            Assert.AreEqual(2, web.EndpointAddresses.Length);
        }
    }
}
