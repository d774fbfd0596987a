// nanoFramework C#: no nullable annotations there.
#nullable disable

using System;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// The cluster DNS answers an A query for a ClusterIP service (web-17.default.svc.cluster.local,
    /// one of 32 services in the node's service table) over the query's own buffer, as the
    /// board's responder does with a datagram: parse, look up, write the answer.
    /// </summary>
    public sealed class DnsAnswer : SpeedScenario
    {
        private DnsServer _server;
        private byte[] _query;
        private readonly byte[] _buffer = new byte[1500];

        public override string Name
        {
            get { return "dns-a-answer"; }
        }

        public override string Unit
        {
            get { return "query"; }
        }

        public override void Setup()
        {
            var table = new ServiceTable(32);
            for (int i = 0; i < 32; i++)
            {
                var s = new Service { Name = "web-" + i, PortName = "http", ClusterIp = 0x0A600100u + (uint)i, Port = 80, Protocol = IpProtocol.Tcp };
                table.Set(s);
            }

            var zone = new DnsZone("cluster.local", 5, 8, 8, new ServicePortsForDns(table));
            _server = new DnsServer(zone);
            byte[] name = DnsName.FromText("web-17.default.svc.cluster.local.");
            _query = new byte[DnsHeader.Length + name.Length + 4];
            _query[0] = 0x12;
            _query[1] = 0x34;
            _query[2] = 0x01; // RD
            _query[5] = 1; // one question
            Array.Copy(name, 0, _query, DnsHeader.Length, name.Length);
            _query[DnsHeader.Length + name.Length + 1] = (byte)DnsType.A;
            _query[DnsHeader.Length + name.Length + 3] = 1; // IN
        }

        public override bool Step()
        {
            Array.Copy(_query, 0, _buffer, 0, _query.Length);
            int n = _server.Answer(_buffer, 0, _query.Length, _buffer, 0, _buffer.Length, false);
            return n > _query.Length && NetworkOrder.ReadU32(_buffer, n - 4) == 0x0A600111u;
        }
    }
}
