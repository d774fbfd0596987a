// nanoFramework C#: no nullable annotations there.
#nullable disable

using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Wire;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// One flow event recorded alone, in a ring of the board's default 256: a service pick as
    /// <c>ServiceProxy.Prerouting</c> writes it (<see cref="FlowLog.Write"/>), or a dropped
    /// Ethernet/IPv4/UDP frame as the drop counter records it (<see cref="FlowLog.Drop"/>: its
    /// addresses and ports read from the frame). What a packet's recording costs, without the packet.
    /// </summary>
    public sealed class FlowRecord : SpeedScenario
    {
        private const int Payload = 64;

        private readonly bool _drop;
        private readonly byte[] _frame = new byte[EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + UdpPacket.HeaderLength + Payload];
        private readonly ManualClock _clock = new ManualClock();
        private FlowLog _flows;
        private uint _source;
        private ushort _sourcePort;
        private long _steps;

        public FlowRecord(bool drop)
        {
            _drop = drop;
        }

        public override string Name
        {
            get { return _drop ? "flows-record-drop" : "flows-record-pick"; }
        }

        public override string Unit
        {
            get { return "event"; }
        }

        public override void Setup()
        {
            _flows = new FlowLog(256, _clock);
            _steps = 0;
            _clock.Now = 1000;
            _source = TestCluster.PodNetwork(1) + 2;
            _sourcePort = 10000;
            var udp = new UdpRepr();
            udp.SourcePort = _sourcePort;
            udp.DestinationPort = 80;
            udp.HasChecksum = true;
            udp.PayloadLength = Payload;
            int ip = EthernetFrame.HeaderLength;
            udp.Emit(_frame, ip + Ipv4Packet.MinimumHeaderLength, _source, 0x0A600014);
            var ipv4 = new Ipv4Repr();
            ipv4.Source = _source;
            ipv4.Destination = 0x0A600014;
            ipv4.Protocol = IpProtocol.Udp;
            ipv4.Ttl = 64;
            ipv4.PayloadLength = UdpPacket.HeaderLength + Payload;
            ipv4.Emit(_frame, ip);
            _frame[12] = 0x08;
            _frame[13] = 0x00;
        }

        public override bool Step()
        {
            if (_drop)
            {
                _flows.Drop(DropReason.NoEndpoint, _frame, 0, _frame.Length);
            }
            else
            {
                _sourcePort = _sourcePort == 60000 ? (ushort)10000 : (ushort)(_sourcePort + 1);
                _flows.Write(FlowLog.ServicePick, IpProtocol.Udp, 3, _source, 0x0A600014, ((uint)_sourcePort << 16) | 80,
                    TestCluster.PodNetwork(1) + 3, (8080u << 16) | 0x0001);
            }

            // One event a step, checked every 256 (next to nothing a step).
            _steps++;
            return (_steps & 0xFF) != 0 || _flows.Written == _steps;
        }
    }
}
