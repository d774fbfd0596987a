// nanoFramework C#: no nullable annotations there.
#nullable disable

using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Worker;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// A whole packet through two boards, as `pod-pod-two-boards` of the speed bench: a pod on
    /// board 1 sends a 64-byte UDP datagram to a pod on board 2, which reads it; board 2
    /// enforces <see cref="BenchPolicies"/> of N policies selecting the receiving pod (-1: board
    /// 2 never enforced a policy, so it has no engine on its hooks). A first packet comes from
    /// a fresh source port every step (a new connection to the policy engine, and to everything
    /// else on the way); an established one from the same port every step.
    /// </summary>
    public sealed class PolicyNodePacket : SpeedScenario
    {
        private readonly int _policies;
        private readonly bool _established;
        private readonly byte[] _payload = new byte[64];
        private readonly byte[] _received = new byte[128];
        private TestCluster _cluster;
        private PodSandbox _client;
        private UdpSocket _server;
        private uint _serverAddress;
        private ushort _sourcePort;
        private uint _decided;

        public PolicyNodePacket(int policies, bool established)
        {
            _policies = policies;
            _established = established;
        }

        public override string Name
        {
            get { return "policy-node-" + (_established ? "established-" : "first-") + (_policies < 0 ? "none" : _policies.ToString()); }
        }

        public override string Unit
        {
            get { return "packet"; }
        }

        public override void Setup()
        {
            _sourcePort = 10000;
            _decided = 0;
            _cluster = new TestCluster(2, 11);
            _client = _cluster.Node(1).AddPod("default", "client", 0);
            PodSandbox server = _cluster.Node(2).AddPod("default", "server", 0);
            _serverAddress = server.Address;
            _server = server.OpenUdp(BenchPolicies.Port);
            if (_policies >= 0)
            {
                _cluster.Node(2).EnforcePolicies(BenchPolicies.Make(_policies, server.Address, _client.Address));
            }
        }

        public override bool Step()
        {
            if (!_established)
            {
                NextSourcePort();
            }

            if (!_client.SendUdpFrom(_client.Address, _sourcePort, _serverAddress, BenchPolicies.Port, _payload, 0, _payload.Length))
            {
                return false;
            }

            Node receiving = _cluster.Node(2);
            for (int round = 0; round < 8; round++)
            {
                _cluster.Node(1).Poll();
                _cluster.Lan.Deliver();
                receiving.Poll();
                uint from;
                ushort port;
                if (_server.ReceiveFrom(_received, 0, _received.Length, out from, out port) == _payload.Length)
                {
                    // With policies, a first packet is decided by the rules and an established one never is.
                    PolicyEngine engine = receiving.Policy;
                    if (engine == null || _policies == 0)
                    {
                        return true;
                    }

                    uint decided = engine.Allowed;
                    bool asItShould = _established ? decided <= 1 : decided == _decided + 1;
                    _decided = decided;
                    return asItShould;
                }
            }

            return false;
        }

        // 50,000 source ports, then a minute passes: the connections of the round before have
        // expired (UDP's 60 s), so a port used again is a new connection still.
        private void NextSourcePort()
        {
            if (_sourcePort == 60000)
            {
                _sourcePort = 10000;
                _cluster.Clock.Now += (PolicyConnections.UdpSeconds + 1) * 1000;
            }
            else
            {
                _sourcePort++;
            }
        }
    }
}
