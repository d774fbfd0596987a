// nanoFramework C#: no nullable annotations there.
#nullable disable

using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// A pod on one board sends a 64-byte UDP datagram to a pod on another: both boards' work
    /// (routing into VXLAN, the overlay's encapsulation and decapsulation, routing onto the far
    /// bridge) with the wire between them in memory.
    /// </summary>
    public sealed class PodToPodAcrossBoards : SpeedScenario
    {
        private TestCluster _cluster;
        private UdpSocket _client;
        private UdpSocket _server;
        private uint _serverAddress;
        private readonly byte[] _payload = new byte[64];
        private readonly byte[] _received = new byte[128];

        public override string Name
        {
            get { return "pod-pod-two-boards"; }
        }

        public override string Unit
        {
            get { return "packet"; }
        }

        public override void Setup()
        {
            _cluster = new TestCluster(2, 11);
            PodSandbox client = _cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = _cluster.Node(2).AddPod("default", "server", 0);
            _serverAddress = server.Address;
            _server = server.OpenUdp(8080);
            _client = client.OpenUdp(0);
        }

        public override bool Step()
        {
            if (!_client.SendTo(_serverAddress, 8080, _payload, 0, _payload.Length))
            {
                return false;
            }

            for (int round = 0; round < 8; round++)
            {
                _cluster.Node(1).Poll();
                _cluster.Lan.Deliver();
                _cluster.Node(2).Poll();
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
