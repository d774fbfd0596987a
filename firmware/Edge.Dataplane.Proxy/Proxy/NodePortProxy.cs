using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// NodePort and LoadBalancer for TCP and UDP: the board listens on its own address (NodePort on
    /// 30000-32767; LoadBalancer also on the service port, as k3s ServiceLB gives node
    /// addresses as external IPs) and relays each accepted connection into the pod network
    /// from the node's host sandbox to an endpoint chosen per externalTrafficPolicy. A board
    /// cannot rewrite packets it never sees (lwIP owns its TCP), so this is a relay, like
    /// kube-proxy's old userspace mode: the pod sees the node's address as the client.
    /// TCP bytes move only as fast as the slower side takes them (flow control end to end),
    /// and a FIN on either side is passed on as a half close; UDP clients get a session each
    /// (idle timeout as conntrack's) so replies find their way back.
    /// </summary>
    public sealed class NodePortProxy
    {
        private const int MaxListeners = 16;

        // Connections taken from a listener's backlog per turn: a burst is accepted (or shed) at
        // this rate instead of one a turn, so clients do not sit in the platform's backlog and
        // retry their SYNs.
        private const int AcceptsPerTurn = 8;

        private readonly IHostSockets _sockets;
        private readonly ServiceProxy _proxy;
        private readonly PodSandbox _host;
        private readonly DropCounters _drops;

        // The ports listened on, made when the first NodePort or LoadBalancer service arrives
        // and let go with the last: a board without one holds no listener table.
        private int[] _listenHandle;
        private ushort[] _listenPort;
        private int[] _listenService;
        private bool[] _listenUdp;
        private int _seenVersion = -1;

        // The relayed connections and UDP sessions, made with the first client and let go when
        // the last one ends: a board whose NodePorts have no client right now (or that has no
        // NodePort) holds neither table. An open connection costs its sockets' buffers anyway.
        private readonly int _maxConnections;
        private TcpRelay _relay;
        private UdpSessions _sessions;

        public long Accepted;

        /// <summary>Clients accepted and closed at once: no ready endpoint, or no room to relay them (<see cref="DropReason.SocketLimit"/>).</summary>
        public long Refused;

        public NodePortProxy(IHostSockets sockets, ServiceProxy proxy, PodSandbox host, DropCounters drops, int maxConnections)
        {
            _sockets = sockets;
            _proxy = proxy;
            _host = host;
            _drops = drops;
            _maxConnections = maxConnections;
        }

        /// <summary>Ports listened on, for `edgectl describe node`.</summary>
        public int Listening
        {
            get
            {
                int n = 0;
                for (int i = 0; i < Listeners; i++)
                {
                    n += _listenHandle[i] >= 0 ? 1 : 0;
                }

                return n;
            }
        }

        private int Listeners
        {
            get { return _listenHandle == null ? 0 : _listenHandle.Length; }
        }

        /// <summary>Stops listening on every port and ends every relayed connection.</summary>
        public void Close()
        {
            for (int l = 0; l < Listeners; l++)
            {
                if (_listenHandle[l] >= 0)
                {
                    if (_listenUdp[l] && _sessions != null)
                    {
                        _sessions.CloseListener(_listenHandle[l]);
                    }

                    _sockets.Close(_listenHandle[l]);
                    _listenHandle[l] = -1;
                }
            }

            if (_relay != null)
            {
                _relay.CloseAll();
                _relay = null;
            }
        }

        public void Poll(long now)
        {
            if (_proxy.Services.Version != _seenVersion)
            {
                Reconcile();
                _seenVersion = _proxy.Services.Version;
            }

            // Clients' datagrams are read into one buffer rented from the node's pool for the
            // turn, on the first UDP listener; with none free they wait in their sockets.
            PacketBuffer datagram = null;
            int listeners = Listeners;
            try
            {
                for (int l = 0; l < listeners; l++)
                {
                    if (_listenHandle[l] < 0)
                    {
                        continue;
                    }

                    if (!_listenUdp[l])
                    {
                        for (int n = 0; n < AcceptsPerTurn && AcceptFrom(l, now); n++)
                        {
                        }
                    }
                    else if (datagram != null || (datagram = _host.Node.Pool.Rent()) != null)
                    {
                        ReceiveFrom(l, datagram.Data, now);
                    }
                }
            }
            finally
            {
                _host.Node.Pool.Return(datagram);
            }

            if (_relay != null)
            {
                _relay.Poll(now);
                if (_relay.Active == 0)
                {
                    _relay = null;
                }
            }

            if (_sessions != null)
            {
                _sessions.Poll(_host, now);
                if (_sessions.Active == 0)
                {
                    _sessions = null;
                }
            }
        }

        // Listens on every NodePort (and LoadBalancer service port) the table asks for, and
        // stops listening on ports no service wants any more.
        private void Reconcile()
        {
            for (int l = 0; l < Listeners; l++)
            {
                if (_listenHandle[l] >= 0 && !Wanted(_listenPort[l], _listenUdp[l], _listenService[l]))
                {
                    if (_listenUdp[l] && _sessions != null)
                    {
                        _sessions.CloseListener(_listenHandle[l]);
                    }

                    _sockets.Close(_listenHandle[l]);
                    _listenHandle[l] = -1;
                }
            }

            ServiceTable table = _proxy.Services;
            for (int slot = 0; slot < table.Capacity; slot++)
            {
                Service s = table.At(slot);
                if (s == null || (s.Protocol != IpProtocol.Tcp && s.Protocol != IpProtocol.Udp))
                {
                    continue;
                }

                bool udp = s.Protocol == IpProtocol.Udp;
                if (s.NodePort != 0)
                {
                    EnsureListening(s.NodePort, udp, slot);
                }

                if (s.Type == ServiceType.LoadBalancer)
                {
                    EnsureListening(s.Port, udp, slot);
                }
            }

            if (Listening == 0)
            {
                _listenHandle = null;
                _listenPort = null;
                _listenService = null;
                _listenUdp = null;
            }
        }

        private bool Wanted(ushort port, bool udp, int slot)
        {
            Service s = _proxy.Services.At(slot);
            return s != null && s.Protocol == (udp ? IpProtocol.Udp : IpProtocol.Tcp)
                && ((s.NodePort == port && port != 0) || (s.Type == ServiceType.LoadBalancer && s.Port == port));
        }

        private void EnsureListening(ushort port, bool udp, int slot)
        {
            int free = -1;
            for (int l = 0; l < Listeners; l++)
            {
                if (_listenHandle[l] >= 0 && _listenPort[l] == port && _listenUdp[l] == udp)
                {
                    _listenService[l] = slot;
                    return;
                }

                if (_listenHandle[l] < 0 && free < 0)
                {
                    free = l;
                }
            }

            if (_listenHandle == null)
            {
                _listenHandle = new int[MaxListeners];
                _listenPort = new ushort[MaxListeners];
                _listenService = new int[MaxListeners];
                _listenUdp = new bool[MaxListeners];
                for (int i = 0; i < MaxListeners; i++)
                {
                    _listenHandle[i] = -1;
                }

                free = 0;
            }

            if (free < 0)
            {
                _drops.Count(DropReason.SocketLimit);
                return;
            }

            int handle = udp ? _sockets.OpenUdp(port) : _sockets.ListenTcp(port);
            if (handle < 0)
            {
                _drops.Count(DropReason.SocketLimit); // the port is taken on the board
                return;
            }

            _listenHandle[free] = handle;
            _listenPort[free] = port;
            _listenUdp[free] = udp;
            _listenService[free] = slot;
        }

        private void ReceiveFrom(int l, byte[] buffer, long now)
        {
            uint client;
            ushort clientPort;
            int n;
            int handle = _listenHandle[l];
            while ((n = _sockets.ReceiveFrom(handle, buffer, 0, NodeContext.DatagramMax, out client, out clientPort)) >= 0)
            {
                int session = _sessions == null ? -1 : _sessions.FindNodePort(handle, client, clientPort, now);
                if (session < 0)
                {
                    Service service = _proxy.Services.At(_listenService[l]);
                    int endpoint = service == null ? -1 : _proxy.Choose(service, client, true, now);
                    if (endpoint >= 0 && _sessions == null)
                    {
                        _sessions = new UdpSessions(_sockets, _maxConnections, _host.Node.Pool);
                    }

                    session = endpoint < 0 ? -1 : _sessions.ForNodePort(handle, client, clientPort, _host,
                        service.EndpointAddresses[endpoint], service.EndpointPorts[endpoint], now);
                    if (session < 0)
                    {
                        Refused++;
                        _drops.Count(DropReason.NoEndpoint);
                        continue;
                    }

                    Accepted++;
                    _proxy.Services.CountConnection(service);
                    Record(service, endpoint, IpProtocol.Udp, client, clientPort, _listenPort[l]);
                }

                _sessions.ToInside(session, buffer, 0, n);
            }
        }

        // A client relayed to an endpoint, as a flow event: it called the board's port, the relay's
        // inner connection goes to the endpoint picked (from the node, as kube-proxy masquerades a NodePort).
        private void Record(Service service, int endpoint, byte protocol, uint client, ushort clientPort, ushort port)
        {
            FlowLog flows = _proxy.Flows;
            if (flows != null)
            {
                flows.Write(FlowLog.ServicePick, protocol, service.Slot | FlowLog.Masqueraded, client, _host.Node.Config.Address, (uint)((clientPort << 16) | port),
                    service.EndpointAddresses[endpoint], (uint)((service.EndpointPorts[endpoint] << 16) | (_proxy.Picked & 0xFFFF)));
            }
        }

        /// <summary>Takes one waiting client off the listener; false when none waited.</summary>
        private bool AcceptFrom(int l, long now)
        {
            uint client;
            ushort clientPort;
            int handle = _sockets.Accept(_listenHandle[l], out client, out clientPort);
            if (handle < 0)
            {
                return false;
            }

            Service service = _proxy.Services.At(_listenService[l]);
            int endpoint = service == null ? -1 : _proxy.Choose(service, client, true, now);
            if (endpoint < 0)
            {
                _drops.Count(DropReason.NoEndpoint);
                Refuse(handle, service);
                return true;
            }

            // The relay's pairs and the host sandbox's sockets are fixed in number: a client
            // beyond them is shed at once (and counted) rather than left waiting.
            if (_relay != null && !_relay.HasRoom)
            {
                _drops.Count(DropReason.SocketLimit);
                Refuse(handle, service);
                return true;
            }

            TcpSocket inner = _host.Connect(service.EndpointAddresses[endpoint], service.EndpointPorts[endpoint]);
            if (inner == null)
            {
                Refuse(handle, service); // the sandbox counted it (socket-limit)
                return true;
            }

            Accepted++;
            _proxy.Services.CountConnection(service);
            Record(service, endpoint, IpProtocol.Tcp, client, clientPort, _listenPort[l]);
            if (service.ClientIpAffinity)
            {
                _proxy.Affinity.Set(client, service.Slot, service.EndpointAddresses[endpoint], service.EndpointPorts[endpoint], now);
            }

            if (_relay == null)
            {
                _relay = new TcpRelay(_sockets, _maxConnections, _drops);
            }

            _relay.Add(handle, inner, false, now);
            return true;
        }

        private void Refuse(int handle, Service service)
        {
            Refused++;
            if (service != null)
            {
                _proxy.Services.CountRejected(service);
            }

            _sockets.Close(handle);
        }
    }
}
