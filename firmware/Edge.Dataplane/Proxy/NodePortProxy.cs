using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// NodePort and LoadBalancer for TCP: the board listens on its own address (NodePort on
    /// 30000-32767; LoadBalancer also on the service port, as k3s ServiceLB gives node
    /// addresses as external IPs) and relays each accepted connection into the pod network
    /// from the node's host sandbox to an endpoint chosen per externalTrafficPolicy. A board
    /// cannot rewrite packets it never sees (lwIP owns its TCP), so this is a relay, like
    /// kube-proxy's old userspace mode: the pod sees the node's address as the client.
    /// Bytes move only as fast as the slower side takes them (flow control end to end), and
    /// a FIN on either side is passed on as a half close.
    /// </summary>
    public sealed class NodePortProxy
    {
        private const int MaxListeners = 16;

        private readonly IHostSockets _sockets;
        private readonly ServiceProxy _proxy;
        private readonly PodSandbox _host;
        private readonly DropCounters _drops;

        private readonly int[] _listenHandle = new int[MaxListeners];
        private readonly ushort[] _listenPort = new ushort[MaxListeners];
        private readonly int[] _listenService = new int[MaxListeners];
        private int _seenVersion = -1;

        private readonly TcpRelay _relay;

        public long Accepted;
        public long Refused;

        public NodePortProxy(IHostSockets sockets, ServiceProxy proxy, PodSandbox host, DropCounters drops, int maxConnections)
        {
            _sockets = sockets;
            _proxy = proxy;
            _host = host;
            _drops = drops;
            for (int i = 0; i < MaxListeners; i++)
            {
                _listenHandle[i] = -1;
            }

            _relay = new TcpRelay(sockets, maxConnections);
        }

        /// <summary>Ports listened on, for `edgectl describe node`.</summary>
        public int Listening
        {
            get
            {
                int n = 0;
                for (int i = 0; i < MaxListeners; i++)
                {
                    n += _listenHandle[i] >= 0 ? 1 : 0;
                }

                return n;
            }
        }

        public void Poll(long now)
        {
            if (_proxy.Services.Version != _seenVersion)
            {
                Reconcile();
                _seenVersion = _proxy.Services.Version;
            }

            for (int l = 0; l < MaxListeners; l++)
            {
                if (_listenHandle[l] >= 0)
                {
                    AcceptFrom(l, now);
                }
            }

            _relay.Poll();
        }

        // Listens on every NodePort (and LoadBalancer service port) the table asks for, and
        // stops listening on ports no service wants any more.
        private void Reconcile()
        {
            for (int l = 0; l < MaxListeners; l++)
            {
                if (_listenHandle[l] >= 0 && !Wanted(_listenPort[l], _listenService[l]))
                {
                    _sockets.Close(_listenHandle[l]);
                    _listenHandle[l] = -1;
                }
            }

            ServiceTable table = _proxy.Services;
            for (int slot = 0; slot < table.Capacity; slot++)
            {
                Service s = table.At(slot);
                if (s == null || s.Protocol != IpProtocol.Tcp)
                {
                    continue;
                }

                if (s.NodePort != 0)
                {
                    EnsureListening(s.NodePort, slot);
                }

                if (s.Type == ServiceType.LoadBalancer)
                {
                    EnsureListening(s.Port, slot);
                }
            }
        }

        private bool Wanted(ushort port, int slot)
        {
            Service s = _proxy.Services.At(slot);
            return s != null && s.Protocol == IpProtocol.Tcp
                && ((s.NodePort == port && port != 0) || (s.Type == ServiceType.LoadBalancer && s.Port == port));
        }

        private void EnsureListening(ushort port, int slot)
        {
            int free = -1;
            for (int l = 0; l < MaxListeners; l++)
            {
                if (_listenHandle[l] >= 0 && _listenPort[l] == port)
                {
                    _listenService[l] = slot;
                    return;
                }

                if (_listenHandle[l] < 0 && free < 0)
                {
                    free = l;
                }
            }

            if (free < 0)
            {
                _drops.Count(DropReason.SocketLimit);
                return;
            }

            int handle = _sockets.ListenTcp(port);
            if (handle < 0)
            {
                _drops.Count(DropReason.SocketLimit); // the port is taken on the board
                return;
            }

            _listenHandle[free] = handle;
            _listenPort[free] = port;
            _listenService[free] = slot;
        }

        private void AcceptFrom(int l, long now)
        {
            uint client;
            ushort clientPort;
            int handle = _sockets.Accept(_listenHandle[l], out client, out clientPort);
            if (handle < 0)
            {
                return;
            }

            Service service = _proxy.Services.At(_listenService[l]);
            int endpoint = service == null || !_relay.HasRoom ? -1 : _proxy.Choose(service, client, true, now);
            TcpSocket inner = endpoint < 0 ? null : _host.Connect(service.EndpointAddresses[endpoint], service.EndpointPorts[endpoint]);
            if (inner == null)
            {
                Refused++;
                if (service != null)
                {
                    service.Rejected++;
                }

                _drops.Count(DropReason.NoEndpoint);
                _sockets.Close(handle);
                return;
            }

            Accepted++;
            service.Connections++;
            service.EndpointConnections[endpoint]++;
            if (service.ClientIpAffinity)
            {
                _proxy.Affinity.Set(client, service.Slot, service.EndpointAddresses[endpoint], service.EndpointPorts[endpoint], now);
            }

            _relay.Add(handle, inner, false);
        }
    }
}
