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
    public sealed class WhoamiServer : HttpServer
    {
        public const ushort Port = 80;

        private readonly string _node;

        // Its -name, null for none (an empty string would be an object of its own on a board).
        private readonly string _name;

        // The requests it answered (above the low 16 bits) and what GET /health answers (the low
        // 16: POST /health with a status code in its body sets it, as traefik/whoami's health
        // endpoint does, the workshop's switch to fail a probe on purpose), in one field: on
        // nanoFramework a field is a 12-byte block whatever its type.
        private long _requestsAndHealth = 200;

        private const int RequestsShift = 16;

        public WhoamiServer(PodSandbox pod, string nodeName)
            : this(pod, nodeName, Port, "")
        {
        }

        /// <summary>On <paramref name="port"/> (its -port), saying <paramref name="name"/> first when one is given (its -name), as traefik/whoami does.</summary>
        public WhoamiServer(PodSandbox pod, string nodeName, ushort port, string name)
            : base(pod, port)
        {
            _node = nodeName;
            _name = name.Length > 0 ? name : null;
        }

        /// <summary>The requests it answered.</summary>
        public long Requests
        {
            get { return _requestsAndHealth >> RequestsShift; }
        }

        public override string Image
        {
            get { return "whoami"; }
        }

        public override byte[] Respond(HttpConnection connection, string head)
        {
            _requestsAndHealth += 1L << RequestsShift;
            string line = HttpText.RequestLine(head);
            if (line.IndexOf(" /health ") > 0 || line.IndexOf(" /health?") > 0)
            {
                return Health(connection, line);
            }

            TcpSocket s = connection.Socket;
            string body = (_name != null ? "Name: " + _name + "\n" : "")
                + "Hostname: " + Pod.Name + "\n"
                + "Namespace: " + Pod.Namespace + "\n"
                + "Node: " + _node + "\n"
                + "IP: 127.0.0.1\n"
                + "IP: " + Ipv4Address.Format(Pod.Address) + "\n"
                + "RemoteAddr: " + Ipv4Address.Format(s.RemoteAddress) + ":" + s.RemotePort.ToString() + "\n"
                + Ascii.WithoutCarriageReturns(head) + "\n";
            return HttpText.Response(200, "OK", "text/plain; charset=utf-8", body);
        }

        /// <summary>What GET /health answers now (200 unless a POST set another).</summary>
        public int HealthStatus
        {
            get { return (int)(_requestsAndHealth & 0xFFFF); }
        }

        private byte[] Health(HttpConnection connection, string line)
        {
            int health = HealthStatus;
            if (!line.StartsWith("POST "))
            {
                return HttpText.Response(health, health < 400 ? "OK" : "Error", "text/plain; charset=utf-8", "");
            }

            string text = connection.Body(16).Trim();
            int code;
            if (!int.TryParse(text, out code) || code < 100 || code > 999)
            {
                return HttpText.Response(400, "Bad Request", "text/plain; charset=utf-8", "invalid character in the status code \"" + text + "\"\n");
            }

            _requestsAndHealth = (_requestsAndHealth & ~0xFFFFL) | (uint)code;
            Log.Line("Update health check status code [" + code.ToString() + "]");
            return HttpText.Response(200, "OK", "text/plain; charset=utf-8", "");
        }
    }
}
