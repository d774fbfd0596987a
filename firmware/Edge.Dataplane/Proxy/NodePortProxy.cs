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
        private const int BufferSize = 1024;
        private const int MaxListeners = 16;

        private readonly IHostSockets _sockets;
        private readonly ServiceProxy _proxy;
        private readonly PodSandbox _host;
        private readonly DropCounters _drops;

        private readonly int[] _listenHandle = new int[MaxListeners];
        private readonly ushort[] _listenPort = new ushort[MaxListeners];
        private readonly int[] _listenService = new int[MaxListeners];
        private int _seenVersion = -1;

        private readonly int[] _external;
        private readonly TcpSocket[] _internal;
        private readonly int[] _service;
        private readonly byte[][] _toPod;
        private readonly byte[][] _toClient;
        private readonly int[] _toPodCount;
        private readonly int[] _toClientCount;
        private readonly bool[] _clientDone;
        private readonly bool[] _podDone;
        private readonly bool[] _used;

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

            _external = new int[maxConnections];
            _internal = new TcpSocket[maxConnections];
            _service = new int[maxConnections];
            _toPod = new byte[maxConnections][];
            _toClient = new byte[maxConnections][];
            _toPodCount = new int[maxConnections];
            _toClientCount = new int[maxConnections];
            _clientDone = new bool[maxConnections];
            _podDone = new bool[maxConnections];
            _used = new bool[maxConnections];
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

            for (int c = 0; c < _used.Length; c++)
            {
                if (_used[c])
                {
                    Pump(c);
                }
            }
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
            int c = FreeConnection();
            int endpoint = service == null || c < 0 ? -1 : _proxy.Choose(service, client, true, now);
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

            _used[c] = true;
            _external[c] = handle;
            _internal[c] = inner;
            _service[c] = service.Slot;
            _toPodCount[c] = 0;
            _toClientCount[c] = 0;
            _clientDone[c] = false;
            _podDone[c] = false;
            if (_toPod[c] == null)
            {
                _toPod[c] = new byte[BufferSize];
                _toClient[c] = new byte[BufferSize];
            }
        }

        private void Pump(int c)
        {
            TcpSocket inner = _internal[c];
            int external = _external[c];
            if (inner.State == TcpState.Closed && inner.Error != TcpError.None)
            {
                Finish(c); // refused, reset or timed out inside: drop the client's connection too
                return;
            }

            // Client to pod.
            if (!_clientDone[c] && _toPodCount[c] == 0)
            {
                int n = _sockets.Receive(external, _toPod[c], 0, BufferSize);
                if (n < 0)
                {
                    _clientDone[c] = true;
                }
                else
                {
                    _toPodCount[c] = n;
                }
            }

            if (_toPodCount[c] > 0 && inner.IsConnected)
            {
                int sent = inner.Send(_toPod[c], 0, _toPodCount[c]);
                Shift(_toPod[c], sent, _toPodCount[c]);
                _toPodCount[c] -= sent;
            }

            if (_clientDone[c] && _toPodCount[c] == 0 && (inner.State == TcpState.Established || inner.State == TcpState.CloseWait))
            {
                inner.Close();
            }

            // Pod to client.
            if (_toClientCount[c] == 0 && !_podDone[c])
            {
                _toClientCount[c] = inner.Receive(_toClient[c], 0, BufferSize);
                if (_toClientCount[c] == 0 && (inner.EndOfStream || inner.IsClosed))
                {
                    _podDone[c] = true;
                    _sockets.ShutdownSend(external);
                }
            }

            if (_toClientCount[c] > 0)
            {
                int sent = _sockets.Send(external, _toClient[c], 0, _toClientCount[c]);
                if (sent < 0)
                {
                    inner.Abort();
                    Finish(c);
                    return;
                }

                Shift(_toClient[c], sent, _toClientCount[c]);
                _toClientCount[c] -= sent;
            }

            if (_clientDone[c] && _podDone[c] && _toClientCount[c] == 0)
            {
                Finish(c);
            }
        }

        private void Finish(int c)
        {
            _sockets.Close(_external[c]);
            if (!_internal[c].IsClosed)
            {
                _internal[c].Close();
            }

            _internal[c] = null;
            _used[c] = false;
        }

        private int FreeConnection()
        {
            for (int c = 0; c < _used.Length; c++)
            {
                if (!_used[c])
                {
                    return c;
                }
            }

            return -1;
        }

        private static void Shift(byte[] buffer, int consumed, int count)
        {
            if (consumed > 0 && consumed < count)
            {
                System.Array.Copy(buffer, consumed, buffer, 0, count - consumed);
            }
        }
    }
}
