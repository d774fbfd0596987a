namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// Where a route's backend Service port sends a request: the same choice the board's
    /// kube-proxy makes for a new connection (ready endpoints first, its mode and session
    /// affinity). The ingress cannot see the service proxy (a sibling layer); the node gives it
    /// this view of it.
    /// </summary>
    public interface IIngressBackends
    {
        /// <summary>
        /// One of <see cref="BackendChoice"/>: Picked with the endpoint's address and port, or why
        /// there is none. <paramref name="client"/> is the request's client, for the choice's
        /// records; kube-proxy's client is the ingress itself.
        /// </summary>
        int Choose(string ns, string service, ushort port, uint client, long now, out uint address, out ushort endpointPort);
    }

    /// <summary>The outcomes of <see cref="IIngressBackends.Choose"/>.</summary>
    public static class BackendChoice
    {
        public const int Picked = 0;

        /// <summary>No such Service port on this board's table.</summary>
        public const int NoService = 1;

        /// <summary>The Service has no endpoint that may take a connection.</summary>
        public const int NoEndpoint = 2;
    }
}
