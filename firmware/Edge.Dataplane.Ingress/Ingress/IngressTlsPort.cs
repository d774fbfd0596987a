namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// The ingress's HTTPS port, on a board whose platform terminates TLS: the listener, the
    /// certificates it serves, and its counters. Made only there (a WROOM board, taking no TLS
    /// sessions, holds none of it), and listening only while there are certificates.
    /// </summary>
    internal sealed class IngressTlsPort
    {
        public readonly ITlsListener Platform;
        public readonly ushort Port;

        /// <summary>What the port serves (null: none, and the port is closed); the listener's handle, -1 while closed.</summary>
        public TlsCertificates Certificates;
        public int Listener = -1;
        public long ListenAgainAt;

        /// <summary>Requests that came over TLS; plain HTTP requests sent here with 308 (ssl-redirect).</summary>
        public long Requests;
        public long Redirected;

        public IngressTlsPort(ITlsListener platform, ushort port)
        {
            Platform = platform;
            Port = port;
        }
    }
}
