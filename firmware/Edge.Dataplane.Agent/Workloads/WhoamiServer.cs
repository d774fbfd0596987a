using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// The `whoami` image: an HTTP server on port 80 that answers every request with who
    /// served it (pod name, its addresses, the node) and what it received (the client's
    /// address, the request line and headers), in the manner of traefik/whoami. The workshop's
    /// way of seeing which pod a Service picked.
    /// </summary>
    public sealed class WhoamiServer : IWorkload, IHttpHandler
    {
        public const ushort Port = 80;

        private readonly PodSandbox _pod;
        private readonly string _node;
        private readonly HttpServer _server;

        public long Requests;

        public WhoamiServer(PodSandbox pod, string nodeName)
        {
            _pod = pod;
            _node = nodeName;
            _server = new HttpServer(pod, Port, this);
        }

        public string Image
        {
            get { return "whoami"; }
        }

        /// <summary>False when port 80 could not be opened (the pod has no socket left).</summary>
        public bool Listening
        {
            get { return _server.Listening; }
        }

        public void Poll(long now)
        {
            _server.Poll(now);
        }

        public void Stop()
        {
            _server.Stop();
        }

        public byte[] Respond(HttpConnection connection, string head)
        {
            Requests++;
            TcpSocket s = connection.Socket;
            string body = "Hostname: " + _pod.Name + "\n"
                + "Namespace: " + _pod.Namespace + "\n"
                + "Node: " + _node + "\n"
                + "IP: 127.0.0.1\n"
                + "IP: " + Ipv4Address.Format(_pod.Address) + "\n"
                + "RemoteAddr: " + Ipv4Address.Format(s.RemoteAddress) + ":" + s.RemotePort.ToString() + "\n"
                + Ascii.WithoutCarriageReturns(head) + "\n";
            return HttpText.Response(200, "OK", "text/plain; charset=utf-8", body);
        }
    }
}
