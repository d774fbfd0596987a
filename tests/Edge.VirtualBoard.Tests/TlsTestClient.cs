using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Edge.VirtualBoard.Tests;

/// <summary>
/// A TLS client in the test, .NET's SslStream over a TCP connection: <see cref="ConnectAsync"/>
/// trusts only the test's root and checks the name, as a browser would;
/// <see cref="ConnectAnyAsync"/> takes whatever certificate comes, to see which one did.
/// </summary>
internal sealed class TlsTestClient : IAsyncDisposable
{
    private TlsTestClient(Socket socket, SslStream stream)
    {
        Socket = socket;
        Stream = stream;
    }

    public Socket Socket { get; }
    public SslStream Stream { get; }

    /// <summary>The certificate the server sent, its subject's common name.</summary>
    public string ServerName => ((X509Certificate2)Stream.RemoteCertificate!).GetNameInfo(X509NameType.SimpleName, false);

    public IPEndPoint LocalEndPoint => (IPEndPoint)Socket.LocalEndPoint!;

    public static Task<TlsTestClient> ConnectAsync(IPEndPoint server, string serverName, X509Certificate2 root, CancellationToken cancel = default)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(root);
        return ConnectAsync(server, new SslClientAuthenticationOptions { TargetHost = serverName, CertificateChainPolicy = policy }, cancel);
    }

    public static Task<TlsTestClient> ConnectAnyAsync(IPEndPoint server, string serverName, CancellationToken cancel = default) =>
        ConnectAsync(server, new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }, cancel);

    /// <summary>Reads until the server closes; all it sent.</summary>
    public async Task<byte[]> ReadToEndAsync(CancellationToken cancel)
    {
        var received = new MemoryStream();
        await Stream.CopyToAsync(received, cancel);
        return received.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        Socket.Dispose();
    }

    private static async Task<TlsTestClient> ConnectAsync(IPEndPoint server, SslClientAuthenticationOptions options, CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(server, cancel);
            var stream = new SslStream(new NetworkStream(socket, ownsSocket: false));
            await stream.AuthenticateAsClientAsync(options, cancel);
            return new TlsTestClient(socket, stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
