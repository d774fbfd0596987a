using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// The board's ingress controller: it listens on the board's own address (port 80), reads
    /// each client's request head, picks the route (<see cref="RouteMatcher"/>) and an endpoint of
    /// its backend Service as kube-proxy would (<see cref="IIngressBackends"/>), opens a
    /// connection to that pod from the node's host sandbox, sends the head with the forwarding
    /// fields added (<see cref="ForwardedHead"/>), and from then on relays bytes both ways like
    /// a NodePort client's (<see cref="RelayPair"/>). One request per backend
    /// connection; the client's connection closes with the response. What it cannot route it
    /// answers itself (<see cref="IngressReplies"/>): 404 no rule, 403 a client outside the route's
    /// allowlist, 503 no ready endpoint, 502
    /// refused, 504 no answer, 400/408/431/505 for heads it cannot take.
    /// A fixed number of connection slots, each holding a client from accept to the end of its
    /// response; clients beyond them wait in the platform's listen backlog. A slot's buffers are
    /// the node's packet buffers, rented from its pool while the client is served (the head, then
    /// the bytes on their way to the pod; and the bytes on their way back): the ingress allocates
    /// nothing per request and holds no memory between requests, and with no buffer free a client
    /// waits in the backlog until one is. So the longest head it takes is a packet buffer's
    /// (431 beyond), and one whose forwarded form would not fit a TCP send buffer (a WROOM board's is
    /// 1 KiB). Nothing is held until the first route arrives.
    /// Where the platform terminates TLS (<see cref="ITlsListener"/>) and the host sent
    /// certificates, the same slots serve HTTPS on the TLS port: the platform hands over each
    /// client after its handshake, and the ingress sees plaintext (X-Forwarded-Proto: https). A
    /// route with ssl-redirect answers plain HTTP with 308 to https, only on a board that serves it.
    /// </summary>
    public sealed class IngressProxy
    {
        /// <summary>A client gets this long to send its request head (ingress-nginx: client_header_timeout, 60 s; a small board cannot hold a slot that long).</summary>
        public const int HeadTimeoutMs = 10000;

        /// <summary>After the ingress's own answer, how long the client may take to close before the board closes anyway.</summary>
        public const int LingerMs = 2000;

        /// <summary>How often a port the platform refused is tried again.</summary>
        public const int RelistenMs = 5000;

        private const int AcceptsPerTurn = 4;

        // A connection slot's phases.
        private const byte Free = 0;
        private const byte Reading = 1;
        private const byte Connecting = 2;
        private const byte Relaying = 3;
        private const byte Replying = 4;
        private const byte Lingering = 5;

        private readonly IHostSockets _sockets;
        private readonly PodSandbox _host;
        private readonly IIngressBackends _backends;
        private readonly DropCounters _drops;
        private readonly PacketPool _pool;
        private readonly IRandomSource _random;
        private readonly ushort _port;
        private readonly IngressTlsPort _tls;
        private readonly RequestHead _request = new RequestHead();
        private readonly ForwardedHead _forwarded = new ForwardedHead();

        private readonly IngressConnection[] _slots;

        private IngressRoutes _routes;
        private int _listener = -1;
        private long _listenAgainAt;

        /// <summary>Requests whose head arrived whole.</summary>
        public long Requests;

        /// <summary>Requests sent on to a backend pod.</summary>
        public long Proxied;

        /// <summary>Answered by the ingress itself: 404, 503, 502 or 504, and 4xx/505 for heads it could not take.</summary>
        public long NotFound;
        public long Unavailable;
        public long BadGateway;
        public long BadRequests;

        /// <summary>Refused with 403: the client is not in the route's allowlist.</summary>
        public long Forbidden;

        /// <summary>Times the platform refused the port (taken, or not allowed).</summary>
        public long ListenFailures;

        /// <summary>Turns a client waited (in the backlog, or connected to its pod) because no packet buffer was free.</summary>
        public long WaitedForBuffer;

        public IngressProxy(IHostSockets sockets, PodSandbox host, IIngressBackends backends, DropCounters drops, ushort port, int connections)
            : this(sockets, host, backends, drops, port, connections, null, 0)
        {
        }

        /// <summary>An ingress that also serves HTTPS on <paramref name="tlsPort"/> through <paramref name="tls"/> (null: the platform terminates no TLS).</summary>
        public IngressProxy(IHostSockets sockets, PodSandbox host, IIngressBackends backends, DropCounters drops, ushort port, int connections, ITlsListener tls, ushort tlsPort)
        {
            _tls = tls != null ? new IngressTlsPort(tls, tlsPort) : null;
            _sockets = sockets;
            _host = host;
            _backends = backends;
            _drops = drops;
            _port = port;
            _pool = host.Node.Pool;
            _random = host.Node.Random;
            _slots = new IngressConnection[connections];
            for (int c = 0; c < connections; c++)
            {
                _slots[c] = new IngressConnection();
            }
        }

        public IngressRoutes Routes
        {
            get { return _routes; }
        }

        public ushort Port
        {
            get { return _port; }
        }

        /// <summary>The port is open on the board's address.</summary>
        public bool Listening
        {
            get { return _listener >= 0; }
        }

        /// <summary>The TLS port is open on the board's address.</summary>
        public bool ListeningTls
        {
            get { return _tls != null && _tls.Listener >= 0; }
        }

        /// <summary>The certificates served on the TLS port; null for none (or a platform without TLS).</summary>
        public TlsCertificates Certificates
        {
            get { return _tls != null ? _tls.Certificates : null; }
        }

        /// <summary>Requests that came over TLS.</summary>
        public long SecureRequests
        {
            get { return _tls != null ? _tls.Requests : 0; }
        }

        /// <summary>Plain HTTP requests sent to https with 308 (ssl-redirect).</summary>
        public long Redirected
        {
            get { return _tls != null ? _tls.Redirected : 0; }
        }

        /// <summary>Clients being read, connected, relayed or answered.</summary>
        public int Active
        {
            get
            {
                int n = 0;
                for (int c = 0; c < _slots.Length; c++)
                {
                    n += _slots[c].Phase != Free ? 1 : 0;
                }

                return n;
            }
        }

        /// <summary>Serves <paramref name="routes"/> from now on; null or empty stops listening (connections under way finish).</summary>
        public void Load(IngressRoutes routes)
        {
            Load(routes, Certificates);
        }

        /// <summary>
        /// Serves <paramref name="routes"/>, and HTTPS with <paramref name="certificates"/> where the
        /// platform terminates TLS, from now on; no routes stops both ports, no certificates the
        /// TLS one (connections under way finish).
        /// </summary>
        public void Load(IngressRoutes routes, TlsCertificates certificates)
        {
            _routes = routes != null && routes.Count > 0 ? routes : null;
            if (_routes == null && _listener >= 0)
            {
                _sockets.Close(_listener);
                _listener = -1;
            }

            IngressTlsPort tls = _tls;
            if (tls == null)
            {
                return;
            }

            TlsCertificates before = tls.Certificates;
            tls.Certificates = _routes != null && certificates != null && certificates.Count > 0 ? certificates : null;
            if (tls.Listener >= 0 && tls.Certificates == null)
            {
                _sockets.Close(tls.Listener);
                tls.Listener = -1;
            }
            else if (tls.Listener >= 0 && tls.Certificates != before)
            {
                tls.Listener = tls.Platform.ListenTls(tls.Port, tls.Certificates); // the same port: new clients get the new certificates
            }
        }

        /// <summary>Closes the port and every connection (the node is going away).</summary>
        public void Close()
        {
            Load(null);
            for (int c = 0; c < _slots.Length; c++)
            {
                if (_slots[c].Phase == Relaying)
                {
                    _slots[c].Relay.Abort(_sockets);
                    Release(c);
                }
                else if (_slots[c].Phase != Free)
                {
                    End(c);
                }
            }
        }

        public void Poll(long now)
        {
            if (_routes != null && _listener < 0 && (now >= _listenAgainAt || _listenAgainAt - now > RelistenMs))
            {
                _listener = _sockets.ListenTcp(_port);
                if (_listener < 0)
                {
                    ListenFailures++;
                    _listenAgainAt = now + RelistenMs;
                }
            }

            IngressTlsPort tls = _tls;
            if (tls != null && tls.Certificates != null && tls.Listener < 0 && (now >= tls.ListenAgainAt || tls.ListenAgainAt - now > RelistenMs))
            {
                tls.Listener = tls.Platform.ListenTls(tls.Port, tls.Certificates);
                if (tls.Listener < 0)
                {
                    ListenFailures++;
                    tls.ListenAgainAt = now + RelistenMs;
                }
            }

            if (_listener >= 0)
            {
                for (int n = 0; n < AcceptsPerTurn && Accept(_listener, false, now); n++)
                {
                }
            }

            if (tls != null && tls.Listener >= 0)
            {
                for (int n = 0; n < AcceptsPerTurn && Accept(tls.Listener, true, now); n++)
                {
                }
            }

            for (int c = 0; c < _slots.Length; c++)
            {
                switch (_slots[c].Phase)
                {
                    case Reading:
                        Read(c, now);
                        break;
                    case Connecting:
                        Connect(c, now);
                        break;
                    case Relaying:
                        if (!_slots[c].Relay.Pump(_sockets, _drops, now))
                        {
                            Release(c); // the response went out and both sides closed (or one failed)
                        }

                        break;
                    case Replying:
                        SendReply(c, now);
                        break;
                    case Lingering:
                        Linger(c, now);
                        break;
                }
            }
        }

        // Takes a waiting client into a free slot; with none free, clients wait in the backlog.
        private bool Accept(int listener, bool secure, long now)
        {
            int c = FreeSlot();
            if (c < 0)
            {
                return false;
            }

            PacketBuffer head = _pool.Rent();
            if (head == null)
            {
                WaitedForBuffer++;
                return false;
            }

            uint client;
            ushort clientPort;
            int handle = _sockets.Accept(listener, out client, out clientPort);
            if (handle < 0)
            {
                _pool.Return(head);
                return false;
            }

            _slots[c].Head = head;

            _slots[c].Phase = Reading;
            _slots[c].External = handle;
            _slots[c].Client = client;
            _slots[c].Secure = secure;
            _slots[c].HeadCount = 0;
            _slots[c].Since = now;
            return true;
        }

        private void Read(int c, long now)
        {
            byte[] head = _slots[c].Head.Data;
            int n = _sockets.Receive(_slots[c].External, head, _slots[c].HeadCount, head.Length - _slots[c].HeadCount);
            if (n < 0)
            {
                End(c); // the client left before its request was whole
                return;
            }

            _slots[c].HeadCount += n;
            int parsed = n > 0 ? _request.Parse(head, _slots[c].HeadCount) : RequestHead.Incomplete;
            if (parsed == RequestHead.Incomplete)
            {
                if (_slots[c].HeadCount == head.Length)
                {
                    Refuse(c, 431, now);
                }
                else if (now - _slots[c].Since >= HeadTimeoutMs)
                {
                    Refuse(c, 408, now);
                }

                return;
            }

            if (parsed != RequestHead.Complete)
            {
                Refuse(c, parsed, now);
                return;
            }

            Requests++;
            if (_slots[c].Secure)
            {
                _tls.Requests++;
            }

            IngressRoutes routes = _routes;
            int route = routes == null ? -1
                : RouteMatcher.Match(routes, head, _request.HostStart, _request.HostNameLength, _request.TargetStart, _request.PathLength);
            if (route < 0)
            {
                NotFound++;
                Reply(c, 404, now);
                return;
            }

            RouteAnnotations annotations = routes.Annotations;
            if (annotations != null && annotations.SslRedirects[route] && !_slots[c].Secure && ListeningTls && _request.HostNameLength > 0)
            {
                Redirect(c, now);
                return;
            }

            if (annotations != null && !annotations.Allows(route, _slots[c].Client))
            {
                Forbidden++;
                Reply(c, 403, now);
                return;
            }

            RouteRewrites rewrites = annotations != null ? annotations.Rewrites : null;
            if (rewrites != null && rewrites.Targets[route] != null)
            {
                int rewritten = RequestRewrite.Apply(head, _slots[c].HeadCount, _request, rewrites.Targets[route], rewrites.Matcher);
                if (rewritten < 0)
                {
                    Refuse(c, 431, now); // the head with its new path would not fit the slot's buffer
                    return;
                }

                _slots[c].HeadCount = rewritten;
                if (_request.Parse(head, rewritten) != RequestHead.Complete)
                {
                    Refuse(c, 400, now); // not a request any more: the host keeps targets to paths, so a board should never see this
                    return;
                }
            }

            if (_forwarded.Measure(head, _slots[c].HeadCount, _request, _slots[c].Client, PortOf(c), _slots[c].Secure) > _host.Node.Config.TcpSendBuffer)
            {
                Refuse(c, 431, now); // its forwarded form would not fit the connection's send buffer
                return;
            }

            uint address;
            ushort port;
            int choice = annotations != null && annotations.ToCanary(route, head, _request, _random.NextUInt32())
                ? _backends.Choose(annotations.CanaryNamespaces[route], annotations.CanaryServices[route], annotations.CanaryPorts[route], _slots[c].Client, now, out address, out port)
                : _backends.Choose(routes.Namespaces[route], routes.ServiceNames[route], routes.ServicePorts[route], _slots[c].Client, now, out address, out port);
            if (choice != BackendChoice.Picked)
            {
                Unavailable++;
                _drops.Count(DropReason.NoEndpoint);
                Reply(c, 503, now);
                return;
            }

            TcpSocket backend = _host.Connect(address, port);
            if (backend == null)
            {
                Unavailable++; // the host sandbox counted it (socket-limit)
                Reply(c, 503, now);
                return;
            }

            _slots[c].Backend = backend;
            _slots[c].Phase = Connecting;
            _slots[c].Since = now;
        }

        private void Connect(int c, long now)
        {
            TcpSocket backend = _slots[c].Backend;
            if (backend.IsClosed)
            {
                _slots[c].Backend = null;
                BadGateway++;
                Reply(c, backend.Error == TcpError.TimedOut ? 504 : 502, now);
                return;
            }

            if (!backend.IsConnected)
            {
                return;
            }

            if (_slots[c].ToClient == null && (_slots[c].ToClient = _pool.Rent()) == null)
            {
                WaitedForBuffer++; // the pod waits for the request a little longer
                return;
            }

            // The request head is parsed again from the slot's bytes: the parser is shared by every slot.
            byte[] head = _slots[c].Head.Data;
            _request.Parse(head, _slots[c].HeadCount);
            int size = _forwarded.Measure(head, _slots[c].HeadCount, _request, _slots[c].Client, PortOf(c), _slots[c].Secure);
            if (size > backend.SendSpace)
            {
                // A new connection's send buffer is empty: a head that does not fit now never will.
                backend.Abort();
                _slots[c].Backend = null;
                Refuse(c, 431, now);
                return;
            }

            _forwarded.Send(backend, head, _slots[c].HeadCount, _request, _slots[c].Client, PortOf(c), _slots[c].Secure);
            // The head buffer, sent, carries the rest of the request to the pod.
            if (_slots[c].Relay == null)
            {
                _slots[c].Relay = new RelayPair();
            }

            // Connection: close went to the pod: once it has answered and closed, the exchange is
            // over, and what the client still sends (a pipelined request, a body the pod did not
            // read) is dropped with the connection, as ingress-nginx ends it.
            _slots[c].Relay.Start(_slots[c].External, backend, false, head, _slots[c].ToClient.Data, now, true);
            Proxied++;
            _slots[c].Backend = null;
            _slots[c].Phase = Relaying;
        }

        // The port the client came to: X-Forwarded-Port.
        private ushort PortOf(int c)
        {
            return _slots[c].Secure ? _tls.Port : _port;
        }

        // ssl-redirect: the answer is written after the request head it is made from.
        private void Redirect(int c, long now)
        {
            IngressConnection slot = _slots[c];
            slot.HeadCount = _request.Length; // the body bytes that came with the head are not needed: the client asks again at https
            int end = IngressReplies.WriteRedirect(slot.Head.Data, slot.HeadCount, slot.Head.Data, _request, _tls.Port);
            if (end < 0)
            {
                Refuse(c, 431, now); // a head so long that the redirect would not fit beside it
                return;
            }

            _tls.Redirected++;
            slot.ReplySent = slot.HeadCount;
            slot.ReplyLength = end;
            slot.Phase = Replying;
            slot.Since = now;
            SendReply(c, now);
        }

        private void Refuse(int c, int status, long now)
        {
            BadRequests++;
            Reply(c, status, now);
        }

        // The ingress's own answer, written into the slot's head buffer (the head is done with).
        private void Reply(int c, int status, long now)
        {
            IngressConnection slot = _slots[c];
            slot.ReplyLength = IngressReplies.Write(status, slot.Head.Data);
            slot.ReplySent = 0;
            slot.Phase = Replying;
            slot.Since = now;
            SendReply(c, now);
        }

        private void SendReply(int c, long now)
        {
            IngressConnection slot = _slots[c];
            int sent = _sockets.Send(slot.External, slot.Head.Data, slot.ReplySent, slot.ReplyLength - slot.ReplySent);
            if (sent < 0)
            {
                End(c);
                return;
            }

            slot.ReplySent += sent;
            if (slot.ReplySent == slot.ReplyLength)
            {
                // Closing with the client's bytes unread would reset the connection (and could
                // lose the answer): half close, then read what it still sends until it closes.
                _sockets.ShutdownSend(slot.External);
                slot.Phase = Lingering;
                slot.Since = now;
            }
            else if (now - slot.Since >= LingerMs)
            {
                End(c);
            }
        }

        private void Linger(int c, long now)
        {
            int n;
            while ((n = _sockets.Receive(_slots[c].External, _slots[c].Head.Data, 0, PacketBuffer.Capacity)) > 0)
            {
            }

            if (n < 0 || now - _slots[c].Since >= LingerMs)
            {
                End(c);
            }
        }

        private void End(int c)
        {
            if (_slots[c].Backend != null)
            {
                _slots[c].Backend.Abort();
                _slots[c].Backend = null;
            }

            _sockets.Close(_slots[c].External);
            Release(c);
        }

        // The slot is free again, its buffers back in the pool.
        private void Release(int c)
        {
            _pool.Return(_slots[c].Head);
            _pool.Return(_slots[c].ToClient);
            _slots[c].Head = null;
            _slots[c].ToClient = null;
            _slots[c].Phase = Free;
        }

        private int FreeSlot()
        {
            for (int c = 0; c < _slots.Length; c++)
            {
                if (_slots[c].Phase == Free)
                {
                    return c;
                }
            }

            return -1;
        }
    }
}
