namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// TLS termination by the platform, beside its sockets (<see cref="Edge.Dataplane.Platform.IHostSockets"/>):
    /// mbedTLS under nanoFramework's SslStream on a board, .NET's SslStream on a virtual board.
    /// A TLS listener's connections come out of <c>IHostSockets.Accept</c> already through their
    /// handshake, and their bytes through <c>Receive</c>/<c>Send</c> are the plaintext; the rest
    /// of the ingress cannot tell them from port 80's. The platform picks each connection's
    /// certificate by <see cref="TlsServerName"/> and <see cref="TlsCertificates.Choose"/>, and holds at
    /// most <see cref="Sessions"/> of them at once (the rest wait in the listen backlog): each costs
    /// mbedTLS about 2 x 16.7 KB outside the managed heap.
    /// </summary>
    public interface ITlsListener
    {
        /// <summary>How many TLS sessions the board holds at once; 0: it terminates none.</summary>
        int Sessions { get; }

        /// <summary>
        /// Listens with TLS on a port of the board's address, serving <paramref name="certificates"/>;
        /// called again on the same port, changes the certificates for the connections to come and
        /// returns the same handle. -1 when the port is taken or TLS cannot start.
        /// </summary>
        int ListenTls(ushort port, TlsCertificates certificates);
    }
}
