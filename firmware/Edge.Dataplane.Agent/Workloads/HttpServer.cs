using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;

namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// The accept loop the built-in HTTP images share: a listener on one port, up to four
    /// connections at once, each answered by the image's <see cref="IHttpHandler"/>.
    /// </summary>
    public sealed class HttpServer
    {
        private const int MaxConnections = 4;

        private readonly TcpSocket _listener;
        private readonly HttpConnection[] _connections = new HttpConnection[MaxConnections];
        private readonly IHttpHandler _handler;
        private readonly PodLog _log;

        public HttpServer(PodSandbox pod, ushort port, IHttpHandler handler)
        {
            _handler = handler;
            _log = pod.Log;
            _listener = pod.Listen(port, MaxConnections);
        }

        public bool Listening
        {
            get { return _listener != null && _listener.State == TcpState.Listen; }
        }

        public void Poll(long now)
        {
            if (_listener == null)
            {
                return;
            }

            for (int i = 0; i < _connections.Length; i++)
            {
                if (_connections[i] == null)
                {
                    TcpSocket socket = _listener.Accept();
                    if (socket != null)
                    {
                        _connections[i] = new HttpConnection(socket, now, _log);
                    }
                }

                if (_connections[i] != null)
                {
                    _connections[i].Poll(_handler, now);
                    if (_connections[i].Done)
                    {
                        _connections[i] = null;
                    }
                }
            }
        }

        public void Stop()
        {
            for (int i = 0; i < _connections.Length; i++)
            {
                if (_connections[i] != null)
                {
                    _connections[i].Socket.Abort();
                    _connections[i] = null;
                }
            }

            if (_listener != null)
            {
                _listener.Close();
            }
        }
    }
}
