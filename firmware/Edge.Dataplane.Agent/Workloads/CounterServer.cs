using Edge.Dataplane.Net;

namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// The `counter` image: HTTP on port 80 answering with a count of the requests this replica
    /// has served. State lives in the replica, so behind a Service the numbers jump between
    /// replicas (and session affinity makes them climb steadily): the lesson of stateful pods.
    /// </summary>
    public sealed class CounterServer : HttpServer
    {
        public const ushort Port = 80;

        private long _count;

        public CounterServer(PodSandbox pod)
            : this(pod, Port)
        {
        }

        public CounterServer(PodSandbox pod, ushort port)
            : base(pod, port)
        {
        }

        public override string Image
        {
            get { return "counter"; }
        }

        public long Count
        {
            get { return _count; }
        }

        public override byte[] Respond(HttpConnection connection, string head)
        {
            _count++;
            return HttpText.Response(200, "OK", "text/plain; charset=utf-8", _count.ToString() + " (" + Pod.Name + ")\n");
        }
    }
}
