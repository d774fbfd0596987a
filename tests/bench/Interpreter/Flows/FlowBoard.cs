// nanoFramework C#: no nullable annotations there.
#nullable disable

using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// One board and a pod's 64-byte UDP datagram through it, of one kind:
    /// <list type="bullet">
    /// <item>First: to a ClusterIP, from a fresh source port every packet, so kube-proxy sees a
    /// new connection each time (service lookup, endpoint pick, conntrack entry, DNAT; recorded:
    /// a service-pick event) and the endpoint pod reads it. Then the entry it made is removed (a
    /// conntrack lookup and removal, whether flows are on or off), so every packet meets a table
    /// holding nothing else, as after the entry's expiry, and the table never fills.</item>
    /// <item>Established: the same to the ClusterIP from the same port every packet (conntrack
    /// hit, DNAT; no event, by design). The connection is opened when the board is made.</item>
    /// <item>Rejected: to a ClusterIP whose service has no endpoint: kube-proxy rejects it and the
    /// gateway drops it (no-endpoint; recorded: a drop event). The ICMP error it answers is limited
    /// to 10 a second and the clock stands still, so after the warm-up none is sent: the steady
    /// state of a client that keeps trying.</item>
    /// <item>Denied: to a pod on the same board that a default-deny ingress policy isolates: the
    /// bridge's forward hook denies it (recorded: a policy-denied event from the policy engine and
    /// a drop event from the bridge's drop counter). A denied packet is never remembered, so each
    /// is decided again.</item>
    /// </list>
    /// </summary>
    public sealed class FlowBoard
    {
        public const int First = 0;
        public const int Established = 1;
        public const int Rejected = 2;
        public const int Denied = 3;

        private const uint ServiceIp = 0x0A600014; // 10.96.0.20
        private const ushort ServicePort = 80;
        private const ushort ServerPort = 8080;

        private readonly int _kind;
        private readonly byte[] _payload = new byte[64];
        private readonly byte[] _received = new byte[128];
        private readonly TestCluster _cluster;
        private readonly Node _node;
        private readonly PodSandbox _client;
        private readonly UdpSocket _server;
        private readonly uint _serverAddress;
        private readonly int _dropReason;
        private ushort _sourcePort = 10000;

        /// <param name="flowEvents">The board's <c>NodeConfig.FlowEvents</c> (0: it keeps none, <c>Node.Flows</c> is null).</param>
        public FlowBoard(int kind, int flowEvents)
        {
            _kind = kind;
            _dropReason = kind == Rejected ? DropReason.NoEndpoint : DropReason.PolicyDenied;
            _cluster = flowEvents == 0 ? new TestCluster(1, 7, new Configure(NoFlowEvents)) : new TestCluster(1, 7);
            _node = _cluster.Node(1);
            _client = _node.AddPod("default", "client", 0);
            PodSandbox server = _node.AddPod("default", "server", 0);
            _serverAddress = server.Address;
            _server = server.OpenUdp(ServerPort);
            var web = new Service { Name = "web", ClusterIp = ServiceIp, Port = ServicePort, Protocol = IpProtocol.Udp };
            if (kind != Rejected)
            {
                web.SetEndpoints(new uint[] { server.Address }, new ushort[] { ServerPort }, new byte[] { EndpointFlags.Ready | EndpointFlags.Serving });
            }

            _node.Proxy.SetService(web);
            if (kind == Denied)
            {
                // A default-deny ingress policy on the server: it isolates it and allows nothing in.
                var set = new PolicySet(1, 0, 1, 0);
                set.AddPolicy("default/deny-server", PolicyTypes.Ingress);
                set.AddSubject(server.Address);
                _node.EnforcePolicies(set);
            }

            if (kind == Established && !Delivered())
            {
                throw new System.Exception("the connection did not open");
            }
        }

        public static string KindName(int kind)
        {
            switch (kind)
            {
                case First: return "first";
                case Established: return "established";
                case Rejected: return "rejected";
                default: return "denied";
            }
        }

        /// <summary>Flow events a packet of <paramref name="kind"/> writes when they are recorded.</summary>
        public static int EventsPerPacket(int kind)
        {
            switch (kind)
            {
                case First: return 1;
                case Established: return 0;
                case Rejected: return 1;
                default: return 1; // the policy engine's verdict (its drop is not recorded twice)
            }
        }

        /// <summary>The board's ring, or null when it keeps none.</summary>
        public FlowLog Flows
        {
            get { return _node.Flows; }
        }

        /// <summary>
        /// Records flow events or not, on a board that keeps a ring: its writers' references to
        /// the ring set or cleared, as a board made with FlowEvents = 0 leaves them, so one board
        /// (one layout of its objects in the heap) is measured both ways.
        /// </summary>
        public void Record(bool on)
        {
            FlowLog flows = on ? _node.Flows : null;
            _node.Proxy.Flows = flows;
            _node.Context.Drops.Flows = flows;
            if (_node.Policy != null)
            {
                _node.Policy.Flows = flows;
            }
        }

        /// <summary>One packet of the board's kind, false when it did not go as it should.</summary>
        public bool Packet()
        {
            if (_kind == First)
            {
                _sourcePort = _sourcePort == 60000 ? (ushort)10000 : (ushort)(_sourcePort + 1);
            }

            if (_kind == Rejected || _kind == Denied ? !Dropped() : !Delivered())
            {
                return false;
            }

            if (_kind == First)
            {
                // Room for the next connection: the entry this one made goes, as its expiry would take it.
                bool reply;
                Conntrack conntrack = _node.Proxy.Conntrack;
                int entry = conntrack.Find(IpProtocol.Udp, _client.Address, _sourcePort, ServiceIp, ServicePort, _cluster.Clock.Now, out reply);
                if (entry < 0 || conntrack.Count != 1)
                {
                    return false;
                }

                conntrack.Remove(entry);
            }

            return true;
        }

        private static void NoFlowEvents(NodeConfig config)
        {
            config.FlowEvents = 0;
        }

        // Sent and read by the server pod (through the ClusterIP).
        private bool Delivered()
        {
            if (!_client.SendUdpFrom(_client.Address, _sourcePort, ServiceIp, ServicePort, _payload, 0, _payload.Length))
            {
                return false;
            }

            for (int round = 0; round < 8; round++)
            {
                _node.Poll();
                uint from;
                ushort port;
                if (_server.ReceiveFrom(_received, 0, _received.Length, out from, out port) == _payload.Length)
                {
                    return true;
                }
            }

            return false;
        }

        // Sent, and counted as dropped by the board for the reason the kind is about.
        private bool Dropped()
        {
            DropCounters drops = _node.Context.Drops;
            long before = drops[_dropReason];
            uint destination = _kind == Rejected ? ServiceIp : _serverAddress;
            ushort port = _kind == Rejected ? ServicePort : ServerPort;
            if (!_client.SendUdpFrom(_client.Address, _sourcePort, destination, port, _payload, 0, _payload.Length))
            {
                return false;
            }

            for (int round = 0; round < 8; round++)
            {
                _node.Poll();
                if (drops[_dropReason] == before + 1)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
