using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;

namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// The accept loop the built-in HTTP images share, as their base class: a listener on one
    /// port, up to four connections at once, each answered by the image's <see cref="Respond"/>.
    /// One object per image rather than an image holding a server (on nanoFramework each object
    /// is a header block and each field a block: a whoami pod is 48 bytes smaller so).
    /// </summary>
    public abstract class HttpServer : IWorkload, IHttpHandler
    {
        private const int MaxConnections = 4;

        /// <summary>The pod the image runs in.</summary>
        protected readonly PodSandbox Pod;

        /// <summary>Its container's standard output (the access log): the pod's, unless the catalog gives it its own.</summary>
        public PodLog Log;
        private readonly TcpSocket _listener;
        // Made with the first connection and let go with the last: an idle server (most pods on
        // a board, most of the time) holds its listener only. Connections cost their sockets'
        // buffers while open anyway; the slots are a small part of that.
        private HttpConnection[] _connections;

        protected HttpServer(PodSandbox pod, ushort port)
        {
            Pod = pod;
            Log = pod.Log;
            _listener = pod.Listen(port, MaxConnections);
        }

        public abstract string Image { get; }

        /// <summary>The whole response (status line, headers, body) for the request head (without the final blank line).</summary>
        public abstract byte[] Respond(HttpConnection connection, string head);

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

            if (_connections == null)
            {
                TcpSocket first = _listener.Accept();
                if (first == null)
                {
                    return;
                }

                _connections = new HttpConnection[MaxConnections];
                _connections[0] = new HttpConnection(first, now, Log);
            }

            int open = 0;
            for (int i = 0; i < _connections.Length; i++)
            {
                if (_connections[i] == null)
                {
                    TcpSocket socket = _listener.Accept();
                    if (socket != null)
                    {
                        _connections[i] = new HttpConnection(socket, now, Log);
                    }
                }

                if (_connections[i] != null)
                {
                    _connections[i].Poll(this, now);
                    if (_connections[i].Done)
                    {
                        _connections[i] = null;
                    }
                }

                open += _connections[i] != null ? 1 : 0;
            }

            if (open == 0)
            {
                _connections = null;
            }
        }

        public int Exit
        {
            get { return -1; }
        }

        public void Stop()
        {
            for (int i = 0; _connections != null && i < _connections.Length; i++)
            {
                if (_connections[i] != null)
                {
                    _connections[i].Socket.Abort();
                    _connections[i] = null;
                }
            }

            _connections = null;
            if (_listener != null)
            {
                _listener.Close();
            }
        }
    }
}
