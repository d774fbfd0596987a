using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// Pod egress: TCP connections from pods to addresses outside the cluster end at the
    /// node's host sandbox (a transparent listener: it answers as the address the pod called)
    /// and continue from the board's own TCP to the real destination, so the outside world
    /// sees the board's address (SNAT). The pod's handshake completes before the outside
    /// one; a destination that refuses reaches the pod as a reset. UDP goes the same way, a
    /// session per pod socket and destination, replies sent in from the address the pod called.
    /// </summary>
    public sealed class EgressProxy : IDatagramHandler
    {
        private readonly IHostSockets _sockets;
        private readonly TcpSocket _listener;
        private readonly TcpRelay _relay;
        private readonly UdpSessions _sessions;
        private readonly PodSandbox _host;

        public long Connections;
        public long Failed;

        public EgressProxy(IHostSockets sockets, PodSandbox host, int maxConnections)
        {
            _sockets = sockets;
            _relay = new TcpRelay(sockets, maxConnections, host.Node.Drops);
            _sessions = new UdpSessions(sockets, maxConnections, host.Node.Pool);
            _host = host;
            _listener = host.ListenTransparent(maxConnections);
            host.TransparentUdp = this;
        }

        public bool Ready
        {
            get { return _listener != null; }
        }

        public void Close()
        {
            _relay.CloseAll();
            _sessions.CloseAll();
        }

        public void Poll(long now)
        {
            if (_listener == null)
            {
                return;
            }

            for (TcpSocket pod = _listener.Accept(); pod != null; pod = _listener.Accept())
            {
                int outside = _relay.HasRoom ? _sockets.ConnectTcp(pod.LocalAddress, pod.LocalPort) : -1;
                if (outside < 0 || !_relay.Add(outside, pod, true, now))
                {
                    Failed++;
                    pod.Abort();
                    continue;
                }

                Connections++;
            }

            _relay.Poll(now);
            _sessions.Poll(_host, now);
        }

        /// <summary>A pod's datagram to an outside address.</summary>
        public void OnDatagram(uint source, ushort sourcePort, uint destination, ushort destinationPort, byte[] data, int offset, int length, long now)
        {
            int session = _sessions.ForEgress(source, sourcePort, destination, destinationPort, now);
            if (session < 0)
            {
                Failed++;
                return;
            }

            _sessions.ToOutside(session, data, offset, length);
        }
    }
}
