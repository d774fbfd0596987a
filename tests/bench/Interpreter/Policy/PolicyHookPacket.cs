// nanoFramework C#: no nullable annotations there.
#nullable disable

using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Wire;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// The policy engine's forward hook alone, as the receiving board's gateway calls it for a
    /// pod's UDP datagram that came over VXLAN (the tuple as sent passed beside the packet, as
    /// the gateway does): the engine loaded with <see cref="BenchPolicies"/> of N policies, the
    /// packet a prepared IPv4 header and UDP header. A first packet carries a fresh source port
    /// every step, so it misses the remembered connections, is decided by the rules and is
    /// remembered (the table full after 256 steps: every later one takes an older one's place); an
    /// established packet is the same connection every step, remembered at its first.
    /// </summary>
    public sealed class PolicyHookPacket : SpeedScenario
    {
        private const int Payload = 64;

        private readonly int _policies;
        private readonly bool _established;
        private readonly byte[] _packet = new byte[Ipv4Packet.MinimumHeaderLength + UdpPacket.HeaderLength + Payload];
        private PolicyEngine _engine;
        private uint _sender;
        private uint _receiver;
        private ushort _sourcePort;
        private uint _decided;
        private long _now;

        public PolicyHookPacket(int policies, bool established)
        {
            _policies = policies;
            _established = established;
        }

        public override string Name
        {
            get { return "policy-hook-" + (_established ? "established-" : "first-") + _policies.ToString(); }
        }

        public override string Unit
        {
            get { return "packet"; }
        }

        public override void Setup()
        {
            _sourcePort = 10000;
            _decided = 0;
            _now = 1000;
            var config = new NodeConfig();
            config.PodNetwork = TestCluster.PodNetwork(2);
            _sender = TestCluster.PodNetwork(1) + 2;
            _receiver = TestCluster.PodNetwork(2) + 2;
            _engine = new PolicyEngine(config.PolicyConnections, config.MaxPods, config.GatewayAddress, config.VtepAddress);
            _engine.Load(BenchPolicies.Make(_policies, _receiver, _sender));

            var udp = new UdpRepr();
            udp.SourcePort = _sourcePort;
            udp.DestinationPort = BenchPolicies.Port;
            udp.HasChecksum = true;
            udp.PayloadLength = Payload;
            udp.Emit(_packet, Ipv4Packet.MinimumHeaderLength, _sender, _receiver);
            var ip = new Ipv4Repr();
            ip.Source = _sender;
            ip.Destination = _receiver;
            ip.Protocol = IpProtocol.Udp;
            ip.Ttl = 63;
            ip.PayloadLength = UdpPacket.HeaderLength + Payload;
            ip.Emit(_packet, 0);
        }

        public override bool Step()
        {
            if (!_established)
            {
                NextSourcePort();
                NetworkOrder.WriteU16(_packet, Ipv4Packet.MinimumHeaderLength, _sourcePort);
            }

            uint ports = ((uint)_sourcePort << 16) | BenchPolicies.Port;
            if (_engine.Forward(_packet, 0, _packet.Length, _sender, _receiver, ports, _now) != HookVerdict.Accept)
            {
                return false;
            }

            // With policies, a first packet is decided by the rules and an established one never is.
            uint decided = _engine.Allowed;
            bool asItShould = _policies == 0 || (_established ? decided <= 1 : decided == _decided + 1);
            _decided = decided;
            return asItShould;
        }

        // 50,000 source ports, then a minute passes: the connections of the round before have
        // expired (UDP's 60 s), so a port used again is a new connection still.
        private void NextSourcePort()
        {
            if (_sourcePort == 60000)
            {
                _sourcePort = 10000;
                _now += (PolicyConnections.UdpSeconds + 1) * 1000;
            }
            else
            {
                _sourcePort++;
            }
        }
    }
}
