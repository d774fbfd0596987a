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
        private readonly string _name;

        public long Requests;

        public WhoamiServer(PodSandbox pod, string nodeName)
            : this(pod, nodeName, Port, "")
        {
        }

        /// <summary>On <paramref name="port"/> (its -port), saying <paramref name="name"/> first when one is given (its -name), as traefik/whoami does.</summary>
        public WhoamiServer(PodSandbox pod, string nodeName, ushort port, string name)
            : base(pod, port)
        {
            _node = nodeName;
            _name = name;
        }

        public override string Image
        {
            get { return "whoami"; }
        }

        public override byte[] Respond(HttpConnection connection, string head)
        {
            Requests++;
            TcpSocket s = connection.Socket;
            string body = (_name.Length > 0 ? "Name: " + _name + "\n" : "")
                + "Hostname: " + Pod.Name + "\n"
                + "Namespace: " + Pod.Namespace + "\n"
                + "Node: " + _node + "\n"
                + "IP: 127.0.0.1\n"
                + "IP: " + Ipv4Address.Format(Pod.Address) + "\n"
                + "RemoteAddr: " + Ipv4Address.Format(s.RemoteAddress) + ":" + s.RemotePort.ToString() + "\n"
                + Ascii.WithoutCarriageReturns(head) + "\n";
            return HttpText.Response(200, "OK", "text/plain; charset=utf-8", body);
        }
    }
}
