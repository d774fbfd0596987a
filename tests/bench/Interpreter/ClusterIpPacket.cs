// nanoFramework C#: no nullable annotations there.
#nullable disable

using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// A pod sends a 64-byte UDP datagram to a ClusterIP on its own board and the endpoint pod
    /// reads it: the client's socket and UDP/IP output, its ARP cache, the bridge, the gateway's
    /// routing with kube-proxy on prerouting (conntrack hit, DNAT), the bridge again, and the
    /// server's input and socket. The connection is established (conntrack has it).
    /// </summary>
    public sealed class ClusterIpPacket : SpeedScenario
    {
        private const uint ServiceIp = 0x0A600014; // 10.96.0.20
        private TestCluster _cluster;
        private UdpSocket _client;
        private UdpSocket _server;
        private readonly byte[] _payload = new byte[64];
        private readonly byte[] _received = new byte[128];

        public override string Name
        {
            get { return "pod-clusterip-pod"; }
        }

        public override string Unit
        {
            get { return "packet"; }
        }

        public override void Setup()
        {
            _cluster = new TestCluster(1, 7);
            PodSandbox client = _cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = _cluster.Node(1).AddPod("default", "server", 0);
            var web = new Service { Name = "web", ClusterIp = ServiceIp, Port = 80, Protocol = IpProtocol.Udp };
            web.SetEndpoints(new uint[] { server.Address }, new ushort[] { 8080 }, new byte[] { EndpointFlags.Ready | EndpointFlags.Serving });
            _cluster.Node(1).Proxy.SetService(web);
            _server = server.OpenUdp(8080);
            _client = client.OpenUdp(0);
        }

        public override bool Step()
        {
            if (!_client.SendTo(ServiceIp, 80, _payload, 0, _payload.Length))
            {
                return false;
            }

            for (int round = 0; round < 8; round++)
            {
                _cluster.Node(1).Poll();
                uint from;
                ushort port;
                if (_server.ReceiveFrom(_received, 0, _received.Length, out from, out port) == _payload.Length)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
