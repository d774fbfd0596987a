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
    /// one; a destination that refuses reaches the pod as a reset.
    /// </summary>
    public sealed class EgressProxy
    {
        private readonly IHostSockets _sockets;
        private readonly TcpSocket _listener;
        private readonly TcpRelay _relay;

        public long Connections;
        public long Failed;

        public EgressProxy(IHostSockets sockets, PodSandbox host, int maxConnections)
        {
            _sockets = sockets;
            _relay = new TcpRelay(sockets, maxConnections);
            _listener = host.ListenTransparent(maxConnections);
        }

        public bool Ready
        {
            get { return _listener != null; }
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
                if (outside < 0 || !_relay.Add(outside, pod, true))
                {
                    Failed++;
                    pod.Abort();
                    continue;
                }

                Connections++;
            }

            _relay.Poll();
        }
    }
}
