using Edge.Dataplane.Net;

namespace Edge.Dataplane.Workloads
{
    /// <summary>The `hello` image: a static HTML page on port 80, the same from every replica.</summary>
    public sealed class HelloServer : HttpServer
    {
        public const ushort Port = 80;

        private const string Page = "<!DOCTYPE html>\n<html><head><title>Hello from Edge</title></head>\n"
            + "<body><h1>Hello from Edge</h1><p>This page was served by a pod on a microcontroller.</p></body></html>\n";

        public HelloServer(PodSandbox pod)
            : base(pod, Port)
        {
        }

        public override string Image
        {
            get { return "hello"; }
        }

        public override byte[] Respond(HttpConnection connection, string head)
        {
            return HttpText.Response(200, "OK", "text/html; charset=utf-8", Page);
        }
    }
}
