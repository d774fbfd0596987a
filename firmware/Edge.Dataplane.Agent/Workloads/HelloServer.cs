using Edge.Dataplane.Net;

namespace Edge.Dataplane.Workloads
{
    /// <summary>The `hello` image: a static HTML page on port 80, the same from every replica.</summary>
    public sealed class HelloServer : HttpServer
    {
        public const ushort Port = 80;

        private const string Head = "<!DOCTYPE html>\n<html><head><title>Hello from Edge</title></head>\n<body><h1>Hello from Edge</h1><p>";
        private const string Tail = "</p></body></html>\n";
        private const string Said = "This page was served by a pod on a microcontroller.";

        private readonly string _message;

        public HelloServer(PodSandbox pod)
            : this(pod, Port, "")
        {
        }

        /// <summary>On <paramref name="port"/>, its page saying <paramref name="message"/> (as text) under the title, or its own line when none is given.</summary>
        public HelloServer(PodSandbox pod, ushort port, string message)
            : base(pod, port)
        {
            _message = message;
        }

        public override string Image
        {
            get { return "hello"; }
        }

        public override byte[] Respond(HttpConnection connection, string head)
        {
            return HttpText.Response(200, "OK", "text/html; charset=utf-8", Head + (_message.Length > 0 ? Ascii.HtmlText(_message) : Said) + Tail);
        }
    }
}
