// nanoFramework.System.Net 1.11.54: TLS over a connected socket (mbedTLS on the board), the members
// Edge.Firmware uses to terminate HTTPS. Note what 1.x does: SslStream takes one certificate (its
// chain in one PEM) and shows no server name; AuthenticateAsServer without clientCertificateRequired
// asks the client for a certificate; the handshake blocks until it ends, and Read until a record's
// last byte is in (nf-interpreter's ssl_accept_internal and mbedTLS's read); X509Certificate2 reads
// PEM only from arrays ending in a NUL.
namespace System.Net.Sockets
{
    public class NetworkStream : System.IO.Stream
    {
        public NetworkStream(Socket socket, bool ownsSocket) { }
        public virtual bool DataAvailable => throw null;
        public override int Read(byte[] buffer, int offset, int count) => throw null;
        public override void Write(byte[] buffer, int offset, int count) => throw null;
        protected override void Dispose(bool disposing) => throw null;
    }
}

namespace System.Net.Security
{
    using System.Net.Sockets;
    using System.Security.Cryptography.X509Certificates;

    [Flags]
    public enum SslProtocols { None = 0x00, Tls12 = 3072, Tls13 = 12288 }

    public class SslStream : NetworkStream
    {
        public SslStream(Socket socket) : base(socket, false) { }
        public void AuthenticateAsServer(X509Certificate serverCertificate, bool clientCertificateRequired, SslProtocols enabledSslProtocols) => throw null;
        public override bool DataAvailable => throw null;
        public override int Read(byte[] buffer, int offset, int size) => throw null;
        public override void Write(byte[] buffer, int offset, int size) => throw null;
        protected override void Dispose(bool disposing) => throw null;
    }
}

namespace System.Security.Cryptography.X509Certificates
{
    public class X509Certificate
    {
        public X509Certificate() { }
    }

    public class X509Certificate2 : X509Certificate
    {
        public X509Certificate2(byte[] rawData, byte[] key, string password) { }
    }
}
